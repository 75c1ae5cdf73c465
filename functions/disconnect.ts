/**
 * Route `$disconnect`: best-effort on AWS (it can be missed, hence TTLs on every
 * connection record). Removes the connection from every room and announces its user
 * offline where this was their last connection.
 */
import { dropConnection } from './core/membership.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { logger } from './runtime/logger.js';
import { depsFor } from './runtime/message-route.js';
import type { HandlerWiring } from './runtime/wiring.js';
import type { WebSocketHandler } from './shared/apigw-events.js';

export function makeDisconnectHandler(wiring: Pick<HandlerWiring, 'runtime'>): WebSocketHandler {
  return async (event) => {
    const { connectionId } = event.requestContext;
    try {
      await dropConnection(await depsFor(wiring, event), connectionId);
    } catch (error) {
      logger.error('disconnect clean-up failed', { connectionId, error: String(error) });
    }
    return { statusCode: 200 };
  };
}

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeDisconnectHandler(lambdaWiring());
