import { contentAllowed, mentionsOf, refuseContent } from '../encrypted-rooms.js';
import { ChatError } from '../errors.js';
import type { EditMessageRequest } from '../frames.js';
import { memberChanging, publishChange } from '../message-change.js';
import type { ActionHandler } from './types.js';

/**
 * Edits one of the caller's own messages (protocol v2, "Messages"): the ack carries the
 * message as edited, the room's other connections get `message_updated`. A muted member
 * may not edit (it would be a way round the mute); a tombstone cannot be edited. The same
 * edit again answers the ack and tells nobody (message-change.ts).
 */
export const editMessage: ActionHandler<EditMessageRequest> = async (
  deps,
  caller,
  request,
  reply,
) => {
  const { roomId, seq, content } = request;
  const [member, allowed] = await Promise.all([
    memberChanging(deps, roomId, caller, 'edit messages'),
    contentAllowed(deps.roomFacts, roomId, content),
  ]);
  if (member.muted) throw new ChatError('forbidden', `You are muted in ${roomId}`);
  // An encrypted room takes only ciphertext (encrypted-rooms.ts), edits included.
  if (!allowed) throw refuseContent(roomId);
  const change = await deps.messages.editMessage({
    roomId,
    seq,
    editorId: caller.userId,
    content,
    // The edited text's mentions replace the old ones, so unread-mention counts follow it.
    mentions: mentionsOf(content),
  });
  await publishChange(
    deps,
    caller,
    change,
    { type: 'message_updated', message: change.message },
    reply,
  );
};
