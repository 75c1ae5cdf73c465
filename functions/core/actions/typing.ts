import { deliver } from '../fanout.js';
import { TYPING_EXPIRY_MS } from '../limits.js';
import type { TypingRequest } from '../live-frames.js';
import { joinedAudience } from '../membership.js';
import type { ActionHandler } from './types.js';

/**
 * `typing`: relays `typing {roomId, userId, state}` to the room's other users; no reply,
 * nothing stored. One round trip to Redis (the room's connections and the throttle, with
 * the shell's rate limit and heartbeat in the same pipeline), then the posts.
 *
 * - The caller's connection must have joined the room (`forbidden` otherwise).
 * - A `start` is relayed at most once per `typingThrottleMs` per user and room; a `stop`
 *   only while a relayed `start` lasts. The throttle fails open: with Redis down, every
 *   frame is relayed (the rate limits still bound them).
 * - Rooms of more than `typingMaxMembers` connections are told nothing: the posts would
 *   cost more than a hint is worth.
 * - Receivers drop a typer `TYPING_EXPIRY_MS` after their last `start` (the SDK's timer):
 *   a Lambda keeps no timer to send the `stop` a closed tab never sent.
 */
export const typing: ActionHandler<TypingRequest> = async (
  deps,
  caller,
  { roomId, state },
  _reply,
  admitted,
) => {
  const timing = { now: Date.now(), throttleMs: deps.limits.typingThrottleMs };
  const [{ connections }, relay] = await Promise.all([
    joinedAudience(deps, roomId, caller, admitted, `Join ${roomId} before typing in it`),
    deps.presence
      .typing(caller.userId, roomId, state, { ...timing, expiryMs: TYPING_EXPIRY_MS })
      .catch((error: unknown) => {
        deps.log.warn('typing throttle failed; relaying', { error: String(error) });
        return true;
      }),
  ]);
  if (!relay || connections.length > deps.limits.typingMaxMembers) return;
  const others = connections.filter((c) => c.userId !== caller.userId);
  await deliver(deps, roomId, others, { type: 'typing', roomId, userId: caller.userId, state });
};
