import { REACTIONS_MAX_PER_MESSAGE } from '../limits.js';
import type { ReactRequest } from '../live-frames.js';
import { memberChanging, publishChange } from '../message-change.js';
import { withMine } from '../reactions.js';
import type { ActionHandler } from './types.js';

/**
 * Adds (`on`) or takes back a reaction (protocol v2, "Messages"). As for an edit, the
 * connection must have joined the room and the user be a member not banned; a muted member
 * may react (a mute stops what they say, and a reaction says nothing new to moderate).
 * The ack carries the message as it is now, with `me` for the caller; the window gets the
 * counts (`me: false`, as every reader's copy); the room's other connections get
 * `reaction`. The same reaction again (or a take-back of one the user does not have)
 * answers the ack and tells nobody.
 */
export const react: ActionHandler<ReactRequest> = async (deps, caller, request, reply) => {
  const { roomId, seq, emoji, on } = request;
  await memberChanging(deps, roomId, caller, 'react');
  const result = await deps.messages.react({
    roomId,
    seq,
    userId: caller.userId,
    emoji,
    on,
    maxEmoji: REACTIONS_MAX_PER_MESSAGE,
  });
  await publishChange(
    deps,
    caller,
    result,
    { type: 'reaction', roomId, seq, userId: caller.userId, emoji, on },
    reply,
    withMine(result.message, result.mine),
  );
};
