/**
 * Rate limits: which token buckets a request pays from, and the answer when one is empty.
 * Every frame that reaches a chat route pays a token per user and per connection from the
 * `frame` buckets, and sends and joins from their own class's buckets too, all in one
 * all-or-nothing take (`RateLimiter.take`). Buckets are a user's and a connection's own, so
 * a flooding user empties only theirs; a refusal reads nothing but the limiter.
 *
 * Limits fail open: when the limiter cannot answer (Redis down, the circuit open) the
 * request goes through and a warning is logged. A rate limit protects the service; it must
 * never cost a user a message.
 */
import { ChatError } from './errors.js';
import type { Action } from './frames.js';
import type { ChatLimits } from './limits.js';
import type { Caller } from './message.js';
import type { ChatDeps, RateCharge, RateDecision } from './ports.js';

/** The classes of action with buckets of their own, beside every frame's. */
export type RateClass = 'frame' | 'send' | 'join';

const CLASS_OF: Partial<Record<Action, Exclude<RateClass, 'frame'>>> = {
  send_message: 'send',
  // An upload is the first half of a send: it pays from the same bucket, so signing
  // uploads cannot outrun the send rate that could ever attach them.
  request_upload: 'send',
  join_room: 'join',
  create_room: 'join',
  open_dm: 'join',
};

/** The classes an action pays from: `frame` always, then its own, if any. */
export function rateClassesOf(action: Action): RateClass[] {
  const own = CLASS_OF[action];
  return own ? ['frame', own] : ['frame'];
}

function bucketsOf(limits: ChatLimits, rateClass: RateClass) {
  return {
    user: { rate: limits[`${rateClass}RatePerUser`], burst: limits[`${rateClass}BurstPerUser`] },
    connection: {
      rate: limits[`${rateClass}RatePerConnection`],
      burst: limits[`${rateClass}BurstPerConnection`],
    },
  };
}

/**
 * The buckets `action` from `caller` pays from, all in the user's scope: `{class}` for the
 * user, `{class}:c:{connectionId}` for the connection.
 */
export function chargesFor(limits: ChatLimits, caller: Caller, action: Action): RateCharge[] {
  const charges: RateCharge[] = [];
  for (const rateClass of rateClassesOf(action)) {
    const { user, connection } = bucketsOf(limits, rateClass);
    charges.push({ key: rateClass, ...user });
    charges.push({ key: `${rateClass}:c:${caller.connectionId}`, ...connection });
  }
  return charges;
}

/**
 * Charges the request; rejects with `rate_limited` (and `retryAfterMs`) when a bucket is
 * empty. Any failure of the limiter lets the request through, logged.
 */
export async function admit(deps: ChatDeps, caller: Caller, action: Action): Promise<void> {
  let decision: RateDecision;
  try {
    decision = await deps.limiter.take(caller.userId, chargesFor(deps.limits, caller, action));
  } catch (error) {
    deps.log.warn('rate limiter failed; letting the request through', {
      action,
      error: String(error),
    });
    return;
  }
  if (decision.ok) return;
  throw new ChatError(
    'rate_limited',
    `Too many requests (${action}); retry in ${decision.retryAfterMs} ms`,
    { retryAfterMs: decision.retryAfterMs },
  );
}

/**
 * `admit`, started now, with a handler attached so that a refusal nobody awaits (the
 * action failed first) is not an unhandled rejection; await the promise it returns.
 */
export function startAdmission(deps: ChatDeps, caller: Caller, action: Action): Promise<void> {
  const admitted = admit(deps, caller, action);
  admitted.catch(() => {});
  return admitted;
}
