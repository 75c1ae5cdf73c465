/**
 * Route `$connect`: runs after the authorizer allowed the handshake, and records the
 * connection and its user, in DynamoDB only (see runtime/connections.ts). A store that is
 * down refuses the handshake with 503; a configuration mistake with 500.
 */
import { toClientError } from './core/errors.js';
import { lambdaConnectionStore } from './runtime/connections.js';
import { logger } from './runtime/logger.js';
import type { HandlerWiring } from './runtime/wiring.js';
import type { WebSocketHandler } from './shared/apigw-events.js';

export function makeConnectHandler(
  wiring: Pick<HandlerWiring, 'connectionStore'>,
): WebSocketHandler {
  return async (event) => {
    const { connectionId, connectedAt, authorizer } = event.requestContext;
    const userId = authorizer?.userId;
    if (typeof userId !== 'string' || !userId) return { statusCode: 401 };
    try {
      await wiring.connectionStore().putConnection({ connectionId, userId, connectedAt });
      return { statusCode: 200 };
    } catch (error) {
      const code = toClientError(error).code;
      logger.error('could not record a connection', { connectionId, error: String(error) });
      return { statusCode: code === 'unavailable' ? 503 : 500 };
    }
  };
}

/** On Lambda: the container's connection store, made from the environment on first use. */
export const handler = makeConnectHandler({ connectionStore: lambdaConnectionStore() });
