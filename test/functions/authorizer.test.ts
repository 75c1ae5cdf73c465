import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { signDevToken } from '../../functions/auth/sign-token.js';
import { loadVerifier, makeAuthorizerHandler } from '../../functions/authorizer.js';
import { logger } from '../../functions/runtime/logger.js';
import { authorizerEvent, lambdaContext, METHOD_ARN } from '../support/events.js';

const SECRET = 'test-secret-for-the-authorizer-0123456789';
const key = new TextEncoder().encode(SECRET);
const nowSeconds = () => Math.floor(Date.now() / 1000);

// The verifier the Lambda entry would load from an environment holding only JWT_SECRET.
const verifier = loadVerifier({ JWT_SECRET: SECRET });
const handler = makeAuthorizerHandler({ verifier: () => verifier });

beforeAll(() => {
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
});

const authorize = (token?: string) => handler(authorizerEvent(token), lambdaContext());

async function expectRefused(token?: string): Promise<void> {
  const error = await authorize(token).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe('Unauthorized');
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('authorizer', () => {
  it('allows a valid HS256 token, with the user id and name as context', async () => {
    const token = await signDevToken(SECRET, 'alice', { name: 'Alice Liddell' });
    expect(await authorize(token)).toEqual({
      principalId: 'alice',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: METHOD_ARN }],
      },
      context: { userId: 'alice', name: 'Alice Liddell' },
    });
  });

  it('allows a token without a name, with only the user id as context', async () => {
    const token = await signDevToken(SECRET, 'bob');
    const result = await authorize(token);
    expect(result.principalId).toBe('bob');
    expect(result.context).toEqual({ userId: 'bob' });
  });

  it('refuses a missing token', async () => {
    await expectRefused(undefined);
    await expectRefused('');
  });

  it('refuses an event with query parameters but no token', async () => {
    const event = authorizerEvent();
    event.queryStringParameters = { other: 'x' };
    await expect(handler(event, lambdaContext())).rejects.toThrow(/^Unauthorized$/);
  });

  it.each(['not-a-jwt', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30.', '...'])(
    'refuses a malformed token %j',
    async (token) => {
      await expectRefused(token);
    },
  );

  it('refuses an expired token', async () => {
    const token = await signDevToken(SECRET, 'alice', { expiresIn: nowSeconds() - 3600 });
    await expectRefused(token);
  });

  it('refuses a token signed with another secret', async () => {
    const token = await signDevToken('some-other-secret-entirely-0123456789', 'alice');
    await expectRefused(token);
  });

  it('refuses a token with a tampered payload', async () => {
    const token = await signDevToken(SECRET, 'alice');
    const [header, , signature] = token.split('.');
    const forged = base64url({ sub: 'admin', exp: nowSeconds() + 3600 });
    await expectRefused(`${header}.${forged}.${signature}`);
  });

  it('refuses a token without sub', async () => {
    const token = await new SignJWT({ name: 'Nobody' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    await expectRefused(token);
  });

  it('refuses a token with an empty sub', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('')
      .setExpirationTime('1h')
      .sign(key);
    await expectRefused(token);
  });

  it('allows a sub of 255 characters and refuses a longer one (OIDC caps sub at 255)', async () => {
    // Counted in code points: 255 emoji are one character each.
    const longest = await signDevToken(SECRET, '😀'.repeat(255));
    expect((await authorize(longest)).principalId).toBe('😀'.repeat(255));
    await expectRefused(await signDevToken(SECRET, 'a'.repeat(256)));
  });

  // The stores would refuse a NUL (PostgreSQL text) and change a lone surrogate (to U+FFFD),
  // so such a sub would connect and then fail every join with `internal`.
  it.each([
    ['a NUL', 'ali\u0000ce', /NUL/],
    ['a lone surrogate', 'ali\ud800ce', /lone surrogate/],
  ])('refuses a sub with %s, logging why', async (_, sub, reason) => {
    const info = vi.mocked(logger.info);
    info.mockClear();
    await expectRefused(await signDevToken(SECRET, sub));
    expect(info).toHaveBeenCalledWith('handshake refused', {
      reason: 'invalid_claim',
      detail: expect.stringMatching(reason),
    });
  });

  it('refuses a sub of 10 KB (no store index takes it)', async () => {
    await expectRefused(await signDevToken(SECRET, 'a'.repeat(10_240)));
  });

  it('refuses a token without exp', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('alice')
      .setIssuedAt()
      .sign(key);
    await expectRefused(token);
  });

  it('refuses alg none', async () => {
    const header = base64url({ alg: 'none', typ: 'JWT' });
    const payload = base64url({ sub: 'alice', exp: nowSeconds() + 3600 });
    await expectRefused(`${header}.${payload}.`);
  });

  it('refuses another HMAC algorithm than HS256, even with the right secret', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('alice')
      .setExpirationTime('1h')
      .sign(key);
    await expectRefused(token);
  });
});
