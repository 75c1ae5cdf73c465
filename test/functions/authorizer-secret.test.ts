/** The authorizer's HS256 key from Secrets Manager (`JWT_SECRET_ARN`), mocked. */

import { clearCaches } from '@aws-lambda-powertools/parameters';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signDevToken } from '../../functions/auth/sign-token.js';
import { lambdaVerifier, loadVerifier, makeAuthorizerHandler } from '../../functions/authorizer.js';
import { logger } from '../../functions/runtime/logger.js';
import { SecretUnavailableError } from '../../functions/runtime/secrets.js';
import type { RequestAuthorizerHandler } from '../../functions/shared/apigw-events.js';
import { authorizerEvent, lambdaContext } from '../support/events.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:parley-jwt-MnOpQr';
const KEY = 'a-signing-key-from-secrets-manager-0123456789';

let secrets: AwsClientStub<SecretsManagerClient>;
/** A new container's authorizer, as the Lambda entry binds it. */
let handler: RequestAuthorizerHandler;

const authorize = (token?: string) => handler(authorizerEvent(token), lambdaContext());

beforeEach(() => {
  clearCaches();
  handler = makeAuthorizerHandler({ verifier: lambdaVerifier() });
  secrets = mockClient(SecretsManagerClient);
  vi.stubEnv('JWT_SECRET', undefined);
  vi.stubEnv('JWT_JWKS_URL', undefined);
  vi.stubEnv('JWT_ISSUER', undefined);
  vi.stubEnv('JWT_AUDIENCE', undefined);
  vi.stubEnv('JWT_SECRET_ARN', ARN);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  secrets.restore();
  clearCaches();
});

describe('authorizer with JWT_SECRET_ARN', () => {
  it.each([
    ['a plain string', KEY],
    ['JSON { "secret": ... }', JSON.stringify({ secret: KEY })],
  ])('verifies tokens with the key in %s', async (_, secretString) => {
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: secretString });
    const result = await authorize(await signDevToken(KEY, 'alice', { name: 'Alice' }));
    expect(result.principalId).toBe('alice');
    expect(result.context).toEqual({ userId: 'alice', name: 'Alice' });
    await expect(
      authorize(await signDevToken('another-key-entirely-0123456789', 'bob')),
    ).rejects.toThrow(/^Unauthorized$/);
  });

  it('reads the secret once per container', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY });
    const token = await signDevToken(KEY, 'alice');
    clearCaches();
    await authorize(token);
    clearCaches();
    await authorize(token);
    await authorize(token);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('fails the handshake (not Unauthorized) while the secret is out of reach, then retries', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }))
      .resolves({ SecretString: KEY });
    const token = await signDevToken(KEY, 'alice');
    await expect(authorize(token)).rejects.toBeInstanceOf(SecretUnavailableError);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect((await authorize(token)).principalId).toBe('alice');
  });

  it('fails on a missing secret or JSON without "secret"', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'no such secret', $metadata: {} }))
      .resolves({ SecretString: JSON.stringify({ key: KEY }) });
    await expect(loadVerifier()).rejects.toThrow(/no such secret/);
    await expect(loadVerifier()).rejects.toThrow(/JSON without a "secret" string/);
  });

  it('prefers JWT_SECRET when both are set, and reads no secret', async () => {
    vi.stubEnv('JWT_SECRET', KEY);
    const verify = await loadVerifier();
    expect(await verify(await signDevToken(KEY, 'carol'))).toEqual({ userId: 'carol' });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('builds from any environment passed in', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: `${ARN}-2` })
      .resolves({ SecretString: 'other-key-0123456789' });
    const verify = await loadVerifier({ JWT_SECRET_ARN: `${ARN}-2` });
    expect(await verify(await signDevToken('other-key-0123456789', 'dave'))).toEqual({
      userId: 'dave',
    });
  });

  it('still refuses to start with no key configured at all', async () => {
    await expect(loadVerifier({})).rejects.toThrow(/JWT_SECRET or JWT_SECRET_ARN/);
  });
});
