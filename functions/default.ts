/**
 * Route `$default`: every frame whose `action` matched no route. An object with a string
 * `action` gets `unknown_action`; anything else (not JSON, not an object, no action)
 * gets `bad_request`. The answer needs no store, so this route never creates the runtime:
 * a stray frame opens no PostgreSQL or Redis connection and reads no secret, the answer
 * goes out while the stores are down, and the bundle carries neither pg nor ioredis.
 */
import { ChatError } from './core/errors.js';
import { parseFrame, peekRequestId } from './core/frames.js';
import { callbackUrlOf } from './runtime/caller.js';
import { replyError } from './runtime/replies.js';
import { standaloneSenders } from './runtime/senders.js';
import type { HandlerWiring } from './runtime/wiring.js';
import type { WebSocketHandler } from './shared/apigw-events.js';

export function makeDefaultHandler(wiring: Pick<HandlerWiring, 'replySender'>): WebSocketHandler {
  return async (event) => {
    let error: ChatError;
    try {
      const { fields } = parseFrame(event.body);
      error =
        typeof fields.action === 'string'
          ? new ChatError('unknown_action', `Unknown action: ${fields.action.slice(0, 64)}`)
          : new ChatError('bad_request', 'Frame needs an "action" string');
    } catch (parseError) {
      error = parseError as ChatError;
    }
    const replier = { sender: wiring.replySender(callbackUrlOf(event)) };
    await replyError(replier, event, error, peekRequestId(event.body));
    return { statusCode: 200 };
  };
}

/** On Lambda: Management API senders, made from the environment on first use. */
export const handler = makeDefaultHandler({ replySender: standaloneSenders() });
