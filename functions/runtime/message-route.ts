/**
 * The shell around a core action for one route: parse and validate the frame, find the
 * caller, run the action, and turn any failure into an `error` frame for the caller.
 * Replies go through the Management API (no route responses), so an `ack` can go out
 * before the fan-out, within the same invocation.
 */

import type * as z from 'zod/mini';
import type { ActionHandler, Reply } from '../core/actions/types.js';
import { ChatError } from '../core/errors.js';
import {
  type Action,
  parseFrame,
  peekRequestId,
  type RawFrame,
  type RequestSchemas,
  validateRequest,
} from '../core/frames.js';
import type { ChatLimits } from '../core/limits.js';
import { noteActivity } from '../core/liveness.js';
import { dropConnection } from '../core/membership.js';
import type { Caller } from '../core/message.js';
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

/** A validated request bound to the action that serves it, waiting for its caller. */
interface BoundAction {
  action: Action;
  awaitsAdmission: boolean;
  run(deps: ChatDeps, caller: Caller, reply: Reply, admitted?: Promise<void>): Promise<void>;
}

/** Validates a parsed frame and picks what serves it; throws the `error` frame's ChatError. */
type Binder = (frame: RawFrame, limits: ChatLimits) => BoundAction;

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
  return routeWith(binderFor(action, run, options));
}

/** One handler for each action a shared function serves. */
export type ActionHandlers<A extends Action> = {
  [K in A]: ActionHandler<z.infer<RequestSchemas[K]>>;
};

/**
 * The handler factory of a function that serves several routes (API Gateway picks the
 * route by the frame's `action`, and routes may share a function): as `messageRoute`, with
 * the action read from the frame. An action it does not serve is `unknown_action`, as on
 * `$default`; API Gateway would not have sent it here. The actions in `awaitsAdmission`
 * await the rate limiter themselves (`MessageRouteOptions`).
 */
export function messageRoutes<A extends Action>(
  handlers: ActionHandlers<A>,
  options: Partial<Record<A, MessageRouteOptions>> = {},
): (wiring: MessageRouteWiring) => WebSocketHandler {
  const binders = new Map<string, Binder>(
    (Object.keys(handlers) as A[]).map((action) => [
      action,
      binderFor(
        action,
        handlers[action] as ActionHandler<z.infer<RequestSchemas[A]>>,
        options[action],
      ),
    ]),
  );
  return routeWith((frame, limits) => {
    const { action } = frame.fields;
    const bind = typeof action === 'string' ? binders.get(action) : undefined;
    if (!bind) {
      const named = typeof action === 'string' ? action.slice(0, 64) : '(none)';
      throw new ChatError('unknown_action', `Unknown action: ${named}`);
    }
    return bind(frame, limits);
  });
}

function binderFor<A extends Action>(
  action: A,
  run: ActionHandler<z.infer<RequestSchemas[A]>>,
  options: MessageRouteOptions = {},
): Binder {
  return (frame, limits) => {
    const request = validateRequest(action, frame, limits);
    return {
      action,
      awaitsAdmission: options.awaitsAdmission ?? false,
      run: (deps, caller, reply, admitted) => run(deps, caller, request, reply, admitted),
    };
  };
}

/** The shell every message route shares: everything but which action serves the frame. */
function routeWith(bind: Binder): (wiring: MessageRouteWiring) => WebSocketHandler {
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
      let activity: Promise<void> | undefined;
      try {
        const frame = parseFrame(event.body);
        requestId = frame.requestId;
        const bound = bind(frame, deps.limits);
        const caller = await resolveCaller(deps, event);
        const reply = async (f: ReplyFrame) => {
          if (!(await replyTo(deps, event, withRequestId(f, requestId)))) callerGone = true;
        };
        const admitted = startAdmission(deps, caller, bound.action);
        // The frame is the connection's heartbeat: issued in this same turn, it rides the
        // rate limiter's auto-pipelined round trip (and the action's first read's).
        activity = noteActivity(deps, caller);
        if (bound.awaitsAdmission) {
          // Not awaited here: the action issues its first cache read in this same turn.
          await bound.run(deps, caller, reply, admitted);
        } else {
          await admitted;
          await bound.run(deps, caller, reply);
        }
      } catch (error) {
        await replyError(deps, event, error, requestId ?? peekRequestId(event.body));
      }
      // Never rejects; awaited so that Lambda does not freeze the container with it pending.
      await activity;
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
