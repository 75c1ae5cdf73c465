/**
 * Verifies a client's JWT. HS256 with `JWT_SECRET` by default; RS256 (or any asymmetric
 * algorithm the issuer uses) from an OIDC issuer's JWKS when `JWT_JWKS_URL` is set.
 * `sub` (at most 255 characters of valid Unicode, no NUL) and `exp` are required.
 */
import {
  type CryptoKey,
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { USER_ID_MAX_CHARS } from '../core/limits.js';
import { unstorableReason } from '../core/storable-text.js';

export interface VerifiedUser {
  userId: string;
  name?: string;
}

export interface TokenVerifierConfig {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/**
 * Why a token is refused, for the client to see (the local gateway passes it on; on AWS it
 * is only logged): never more than jose's own description of the token, no key material.
 */
export type TokenRefusal =
  | 'missing_token'
  | 'malformed'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'missing_claim'
  | 'invalid_claim'
  | 'bad_algorithm'
  | 'unknown_key'
  | 'invalid_token';

export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';

  constructor(
    readonly reason: TokenRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** jose's error codes (stable API, unlike its messages) as refusal reasons. */
function refusalOf(error: unknown): TokenRefusal {
  const { code, reason } = (error ?? {}) as { code?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad_signature';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') return 'missing_claim';
      return (error as { claim?: unknown }).claim === 'nbf' ? 'not_yet_valid' : 'invalid_claim';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'bad_algorithm';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'malformed';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'unknown_key';
    default:
      return 'invalid_token';
  }
}

export type TokenVerifier = (token: string | undefined) => Promise<VerifiedUser>;

export function createTokenVerifier(config: TokenVerifierConfig): TokenVerifier {
  /** The JWKS lookup, or the secret imported once (jose would import raw bytes on every verify). */
  let key: JWTVerifyGetKey | Promise<CryptoKey>;
  let algorithms: string[];
  if (config.jwksUrl) {
    key = createRemoteJWKSet(new URL(config.jwksUrl));
    algorithms = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384'];
  } else if (config.secret) {
    key = crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(config.secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    algorithms = ['HS256'];
  } else {
    throw new Error(
      'Set JWT_SECRET or JWT_SECRET_ARN (HS256), or JWT_JWKS_URL (OIDC issuer), to verify tokens',
    );
  }
  return async (token) => {
    if (!token) throw new InvalidTokenError('missing_token', 'missing token');
    let payload: JWTPayload;
    try {
      const options = {
        algorithms,
        requiredClaims: ['sub', 'exp'],
        ...(config.issuer ? { issuer: config.issuer } : {}),
        ...(config.audience ? { audience: config.audience } : {}),
      };
      ({ payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, options)
          : await jwtVerify(token, await key, options));
    } catch (error) {
      throw new InvalidTokenError(
        refusalOf(error),
        error instanceof Error ? error.message : 'invalid token',
      );
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
      throw new InvalidTokenError('invalid_claim', 'sub must be a non-empty string');
    }
    // Every frame that names a user must fit 128 KB, so user ids are bounded (OIDC's own
    // limit on `sub`), in code points like every other length in the protocol.
    if ([...payload.sub].length > USER_ID_MAX_CHARS) {
      throw new InvalidTokenError(
        'invalid_claim',
        `sub must be at most ${USER_ID_MAX_CHARS} characters`,
      );
    }
    // The user id is stored (PostgreSQL, DynamoDB) and compared with what was stored: a sub
    // the stores would change or refuse would connect, then fail every join.
    const unstorable = unstorableReason(payload.sub);
    if (unstorable) throw new InvalidTokenError('invalid_claim', `sub ${unstorable}`);
    const user: VerifiedUser = { userId: payload.sub };
    if (typeof payload.name === 'string') user.name = payload.name;
    return user;
  };
}

export function verifierFromEnv(env: NodeJS.ProcessEnv = process.env): TokenVerifier {
  return createTokenVerifier({
    secret: env.JWT_SECRET,
    jwksUrl: env.JWT_JWKS_URL,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
  });
}
