/**
 * The shell around a core action for one route: parse and validate the frame, find the
 * caller, run the action, and turn any failure into an `error` frame for the caller.
 * Replies go through the Management API (no route responses), so an `ack` can go out
 * before the fan-out, within the same invocation.
 */

import type * as z from 'zod/mini';
import type { ActionHandler } from '../core/actions/types.js';
import {
  type Action,
  parseFrame,
  peekRequestId,
  type RequestSchemas,
  validateRequest,
} from '../core/frames.js';
import { dropConnection } from '../core/membership.js';
import type { ChatDeps } from '../core/ports.js';
import { startAdmission } from '../core/rate-limits.js';
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

export interface MessageRouteOptions {
  /**
   * The action awaits the rate limiter's answer itself (its `admitted` argument) before it
   * writes anything, so that the limiter's Redis call shares a round trip with the action's
   * first cache read. Otherwise the shell awaits it before running the action.
   */
  awaitsAdmission?: boolean;
}

/**
 * The handler factory of a route that runs `run` for `action`: give it a wiring and it
 * returns the handler (the entry file gives it the Lambda default). Every request is
 * charged to the caller's rate limits (core/rate-limits.ts) before the action may write.
 */
export function messageRoute<A extends Action>(
  action: A,
  run: ActionHandler<z.infer<RequestSchemas[A]>>,
  options: MessageRouteOptions = {},
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
        const request = validateRequest(action, frame, deps.limits);
        const caller = await resolveCaller(deps, event);
        const reply = async (f: ReplyFrame) => {
          if (!(await replyTo(deps, event, withRequestId(f, requestId)))) callerGone = true;
        };
        const admitted = startAdmission(deps, caller, action);
        if (options.awaitsAdmission) {
          // Not awaited here: the action issues its first cache read in this same turn.
          await run(deps, caller, request, reply, admitted);
        } else {
          await admitted;
          await run(deps, caller, request, reply);
        }
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
