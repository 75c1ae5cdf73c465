/**
 * The shell around a core action for one route: parse and validate the frame, find the
 * caller, run the action, and turn any failure into an `error` frame for the caller.
 * Replies go through the Management API (no route responses), so an `ack` can go out
 * before the fan-out, within the same invocation.
 */

import type * as z from 'zod/mini';
import type { ActionHandler } from '../core/actions/types.js';
import { ChatError } from '../core/errors.js';
import {
  type Action,
  parseFrame,
  peekRequestId,
  type RequestSchemas,
  validateRequest,
} from '../core/frames.js';
import { dropConnection } from '../core/membership.js';
import type { ChatDeps } from '../core/ports.js';
import { type ReplyFrame, withRequestId } from '../core/server-frames.js';
import type { WebSocketEvent, WebSocketHandler } from '../shared/apigw-events.js';
import { callbackUrlOf, callerResolver } from './caller.js';
import { logger } from './logger.js';
import { type Replier, replyError, replyTo } from './replies.js';
import type { HandlerWiring } from './wiring.js';

const OK = { statusCode: 200 };

/** What a message route uses: the runtime, and a sender to report that it failed. */
export type MessageRouteWiring = Pick<HandlerWiring, 'runtime' | 'replySender'>;

/** The chat core's dependencies for this event; rejects when the runtime cannot be created. */
export async function depsFor(
  wiring: Pick<HandlerWiring, 'runtime'>,
  event: WebSocketEvent,
): Promise<ChatDeps> {
  return (await wiring.runtime()).deps(callbackUrlOf(event));
}

/**
 * The dependencies, or the error that kept the runtime from being created (logged here)
 * with a sender that works without a runtime, to tell the client.
 */
export async function depsOrFailure(
  wiring: MessageRouteWiring,
  event: WebSocketEvent,
): Promise<{ deps: ChatDeps } | { failure: unknown; replier: Replier }> {
  try {
    return { deps: await depsFor(wiring, event) };
  } catch (failure) {
    logger.error('runtime unavailable', {
      error: failure instanceof Error ? failure : String(failure),
    });
    return { failure, replier: { sender: wiring.replySender(callbackUrlOf(event)) } };
  }
}

/** Each action a function serves, with the core action that runs it. */
export type ActionTable = { [A in Action]?: ActionHandler<z.infer<RequestSchemas[A]>> };

/**
 * The handler factory of a route that runs `run` for `action`: give it a wiring and it
 * returns the handler (the entry file gives it the Lambda default).
 */
export function messageRoute<A extends Action>(
  action: A,
  run: ActionHandler<z.infer<RequestSchemas[A]>>,
): (wiring: MessageRouteWiring) => WebSocketHandler {
  return messageRoutes({ [action]: run } as ActionTable);
}

/**
 * The handler factory of a function that serves several routes (API Gateway picks the route
 * by the frame's `action`, and several routes may share one function): each frame runs the
 * core action its `action` names. A frame whose action the table lacks (only a route table
 * that disagrees with the function could send one) is `unknown_action`.
 */
export function messageRoutes(
  table: ActionTable,
): (wiring: MessageRouteWiring) => WebSocketHandler {
  return (wiring) => {
    const resolveCaller = callerResolver();
    return async (event) => {
      const resolved = await depsOrFailure(wiring, event);
      if (!('deps' in resolved)) {
        // Configuration or a secret failed: `internal` or `unavailable`, as the failure says.
        await replyError(resolved.replier, event, resolved.failure, peekRequestId(event.body), {
          logged: true,
        });
        return OK;
      }
      const { deps } = resolved;
      let requestId: string | undefined;
      let callerGone = false;
      try {
        const frame = parseFrame(event.body);
        requestId = frame.requestId;
        const action = servedAction(table, frame.fields.action);
        const run = table[action] as ActionHandler<unknown>;
        const request = validateRequest(action, frame, deps.limits);
        const caller = await resolveCaller(deps, event);
        const reply = async (f: ReplyFrame) => {
          if (!(await replyTo(deps, event, withRequestId(f, requestId)))) callerGone = true;
        };
        await run(deps, caller, request, reply);
      } catch (error) {
        await replyError(deps, event, error, requestId ?? peekRequestId(event.body));
      }
      if (callerGone) {
        // The connection closed while its request ran, and its $disconnect may have come
        // and gone before this request wrote it into a room: clean up after both.
        await dropConnection(deps, event.requestContext.connectionId).catch((error: unknown) =>
          logger.warn('clean-up of a connection gone mid-request failed', { error: String(error) }),
        );
      }
      return OK;
    };
  };
}

/** The frame's action when the table serves it; with one action, that one whatever it says. */
function servedAction(table: ActionTable, named: unknown): Action {
  const served = Object.keys(table) as Action[];
  if (served.length === 1) return served[0]!;
  if (typeof named === 'string' && served.includes(named as Action)) return named as Action;
  throw new ChatError('unknown_action', `Unknown action: ${String(named).slice(0, 64)}`);
}
