/**
 * The REQUEST authorizer on `$connect` (identity source: `route.request.querystring.token`).
 * API Gateway answers 401 to the handshake when an authorizer throws "Unauthorized";
 * nothing is stored. Allowed connections carry `userId` (and `name`) as context on
 * `$connect` and on every later event of the connection.
 */
import { InvalidTokenError, type TokenVerifier, verifierFromEnv } from './auth/verify-token.js';
import { logger } from './runtime/logger.js';
import type { RequestAuthorizerHandler } from './shared/apigw-events.js';

let verifier: TokenVerifier | undefined;

export const handler: RequestAuthorizerHandler = async (event) => {
  verifier ??= verifierFromEnv();
  const token = event.queryStringParameters?.token;
  try {
    const user = await verifier(token);
    return {
      principalId: user.userId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: { userId: user.userId, ...(user.name ? { name: user.name } : {}) },
    };
  } catch (error) {
    if (error instanceof InvalidTokenError) {
      logger.info('handshake refused', { reason: error.message });
      throw new Error('Unauthorized');
    }
    throw error;
  }
};
