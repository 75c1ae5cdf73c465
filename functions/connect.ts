/**
 * Route `$connect`: runs after the authorizer allowed the handshake, and records the
 * connection and its user, in DynamoDB only (see runtime/connections.ts). A store that is
 * down refuses the handshake with 503; a configuration mistake with 500.
 */
import { toClientError } from './core/errors.js';
import { connectionStore } from './runtime/connections.js';
import { logger } from './runtime/logger.js';
import type { WebSocketHandler } from './shared/apigw-events.js';

export const handler: WebSocketHandler = async (event) => {
  const { connectionId, connectedAt, authorizer } = event.requestContext;
  const userId = authorizer?.userId;
  if (typeof userId !== 'string' || !userId) return { statusCode: 401 };
  try {
    await connectionStore().putConnection({ connectionId, userId, connectedAt });
    return { statusCode: 200 };
  } catch (error) {
    const code = toClientError(error).code;
    logger.error('could not record a connection', { connectionId, error: String(error) });
    return { statusCode: code === 'unavailable' ? 503 : 500 };
  }
};
