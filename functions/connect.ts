/**
 * Route `$connect`: runs after the authorizer allowed the handshake, holds the user to
 * their cap on connections (core/connection-cap.ts) and records the connection and its
 * user, and the frame format its handshake asked for (`?format=compact`), in DynamoDB only
 * (see runtime/connections.ts). A user at the cap is refused with
 * 429; a store that is down with 503; a configuration mistake with 500. API Gateway ends
 * the handshake with the status $connect returns (the local gateway does the same).
 */

import { frameFormatOf } from '../protocol/compact-codec.js';
import { openConnection } from './core/connection-cap.js';
import { toClientError } from './core/errors.js';
import { formatField } from './core/frame-format.js';
import { lambdaConnectWiring } from './runtime/connections.js';
import { logger } from './runtime/logger.js';
import type { HandlerWiring } from './runtime/wiring.js';
import type { WebSocketHandler } from './shared/apigw-events.js';

export function makeConnectHandler(
  wiring: Pick<HandlerWiring, 'connectionStore' | 'maxConnectionsPerUser'>,
): WebSocketHandler {
  return async (event) => {
    const { connectionId, connectedAt, authorizer } = event.requestContext;
    const format = frameFormatOf(event.queryStringParameters?.format);
    const userId = authorizer?.userId;
    if (typeof userId !== 'string' || !userId) return { statusCode: 401 };
    try {
      const max = wiring.maxConnectionsPerUser();
      const admission = await openConnection(wiring.connectionStore(), max, {
        connectionId,
        userId,
        connectedAt,
        ...formatField(format),
      });
      if (admission.ok) return { statusCode: 200 };
      logger.info('refused a connection: the user is at their cap', {
        connectionId,
        userId,
        live: admission.live,
        max,
      });
      return { statusCode: 429 };
    } catch (error) {
      const code = toClientError(error).code;
      logger.error('could not record a connection', { connectionId, error: String(error) });
      return { statusCode: code === 'unavailable' ? 503 : 500 };
    }
  };
}

/** On Lambda: the container's connection store and cap, made from the environment on first use. */
export const handler = makeConnectHandler(lambdaConnectWiring());
