import type { DeleteMessageRequest } from '../frames.js';
import { memberChanging, publishChange } from '../message-change.js';
import type { ActionHandler } from './types.js';

/**
 * Deletes a message (protocol v2, "Messages"): the caller's own, or any message when the
 * caller is the room's owner or admin. The message becomes a tombstone that keeps its seq;
 * the ack carries it, the room's other connections get `message_deleted`. A muted member
 * may still delete their own messages: a mute stops what they say, not taking it back.
 * Deleting a tombstone again answers the ack and tells nobody (message-change.ts).
 */
export const deleteMessage: ActionHandler<DeleteMessageRequest> = async (
  deps,
  caller,
  request,
  reply,
) => {
  const { roomId, seq } = request;
  const member = await memberChanging(deps, roomId, caller, 'delete messages');
  const change = await deps.messages.deleteMessage({
    roomId,
    seq,
    actorId: caller.userId,
    asModerator: member.role === 'owner' || member.role === 'admin',
  });
  await publishChange(deps, caller, change, { type: 'message_deleted', roomId, seq }, reply);
};
