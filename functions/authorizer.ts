/**
 * The REQUEST authorizer on `$connect` (identity source: `route.request.querystring.token`).
 * API Gateway answers 401 to the handshake when an authorizer throws "Unauthorized";
 * nothing is stored. The local gateway also tells the client why (`Unauthorized.refusal`). Allowed connections carry `userId` (and `name`) as context on
 * `$connect` and on every later event of the connection. Any other failure (no key
 * configured, Secrets Manager unreachable) throws, and API Gateway answers 500.
 */

import { frameFormatOf } from '../protocol/compact-codec.js';
import { InvalidTokenError, type TokenVerifier, verifierFromEnv } from './auth/verify-token.js';
import { formatField } from './core/frame-format.js';
import { logger } from './runtime/logger.js';
import { readSecretString } from './runtime/secrets.js';
import type { HandlerWiring } from './runtime/wiring.js';
import type { RequestAuthorizerHandler } from './shared/apigw-events.js';
import { once } from './shared/memo.js';

/**
 * The HS256 key in a secret: its SecretString is either the key itself or JSON
 * `{ "secret": "..." }` (what a generated Secrets Manager secret with a key name holds).
 */
export async function jwtSecretFrom(arn: string): Promise<string> {
  const text = await readSecretString(arn);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof parsed !== 'object' || parsed === null) return text;
  const secret = (parsed as { secret?: unknown }).secret;
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new Error(`secret ${arn} is JSON without a "secret" string`);
  }
  return secret;
}

/**
 * The verifier the environment asks for: `JWT_JWKS_URL` (an OIDC issuer), else the
 * HS256 key in `JWT_SECRET`, else the one in the secret `JWT_SECRET_ARN` names.
 */
export async function loadVerifier(env: NodeJS.ProcessEnv = process.env): Promise<TokenVerifier> {
  if (!env.JWT_JWKS_URL && !env.JWT_SECRET && env.JWT_SECRET_ARN) {
    return verifierFromEnv({ ...env, JWT_SECRET: await jwtSecretFrom(env.JWT_SECRET_ARN) });
  }
  return verifierFromEnv(env);
}

/**
 * How the authorizer refuses: API Gateway reads only the message, and "Unauthorized" means
 * 401 with a bare body. The local gateway also reads `refusal` (the reason code and jose's
 * description of the token, nothing secret) and passes it to the client
 * (docs/protocol.md, "The handshake"), which AWS has no way to do.
 */
export class Unauthorized extends Error {
  constructor(readonly refusal: string) {
    super('Unauthorized');
  }
}

export function makeAuthorizerHandler(
  wiring: Pick<HandlerWiring, 'verifier'>,
): RequestAuthorizerHandler {
  return async (event) => {
    let verify: TokenVerifier;
    try {
      verify = await wiring.verifier();
    } catch (error) {
      logger.error('no token verifier', { error: error instanceof Error ? error : String(error) });
      throw error;
    }
    const token = event.queryStringParameters?.token;
    try {
      const user = await verify(token);
      return {
        principalId: user.userId,
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
        },
        // `format`: API Gateway repeats the context on every event of the connection, so
        // each route knows the caller's frame format without a read (runtime/caller.ts).
        context: {
          userId: user.userId,
          ...(user.name ? { name: user.name } : {}),
          ...formatField(frameFormatOf(event.queryStringParameters?.format)),
        },
      };
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        logger.info('handshake refused', { reason: error.reason, detail: error.message });
        throw new Unauthorized(`${error.reason}: ${error.message}`);
      }
      throw error;
    }
  };
}

/**
 * The Lambda default: the verifier the environment asks for, loaded on the first handshake
 * and kept for the container's life; a failed load is forgotten, so the next one tries again.
 */
export function lambdaVerifier(): () => Promise<TokenVerifier> {
  return once(() => loadVerifier());
}

export const handler = makeAuthorizerHandler({ verifier: lambdaVerifier() });
