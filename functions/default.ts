/**
 * Route `$default`: every frame whose `action` matched no route. An object with a string
 * `action` gets `unknown_action`; anything else (not JSON, not an object, no action)
 * gets `bad_request`. The answer needs no store, so it goes out even when the runtime
 * could not be created.
 */
import { ChatError } from './core/errors.js';
import { parseFrame, peekRequestId } from './core/frames.js';
import { depsOrFailure, replyError } from './runtime/message-route.js';
import type { WebSocketHandler } from './shared/apigw-events.js';

export const handler: WebSocketHandler = async (event) => {
  const resolved = await depsOrFailure(event);
  const replier = 'deps' in resolved ? resolved.deps : resolved.replier;
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
  await replyError(replier, event, error, peekRequestId(event.body));
  return { statusCode: 200 };
};
