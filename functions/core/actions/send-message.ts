import { ChatError } from '../errors.js';
import { deliver } from '../fanout.js';
import type { SendMessageRequest } from '../frames.js';
import { readRoomConnections } from '../room-connections.js';
import type { ActionHandler } from './types.js';

/**
 * The hot path: one cache read both authorizes the sender and lists the room's
 * connections; one PostgreSQL statement stores the message with the next seq; the ack
 * goes out once that has committed; then every other connection in the room gets it.
 */
export const sendMessage: ActionHandler<SendMessageRequest> = async (
  deps,
  caller,
  request,
  reply,
) => {
  const { roomId } = request;
  const connections = await readRoomConnections(deps, roomId);
  if (!connections.some((c) => c.connectionId === caller.connectionId)) {
    throw new ChatError('forbidden', `Join room ${roomId} before sending to it`);
  }
  const { message, duplicate } = await deps.messages.appendMessage({
    roomId,
    userId: caller.userId,
    content: request.content,
    clientMsgId: request.clientMsgId,
  });
  if (!duplicate) {
    // The message is durable; a cache that cannot take it only loses a shortcut. Readers
    // detect the gap it leaves (the window is checked for contiguity) and read through.
    await deps.cache.appendRecentMessage(roomId, message).catch((error: unknown) => {
      deps.log.warn('cache append failed', { roomId, seq: message.seq, error: String(error) });
    });
  }
  await reply({ type: 'ack', message });
  if (duplicate) return;
  await deliver(
    deps,
    connections.filter((c) => c.connectionId !== caller.connectionId),
    { type: 'new_message', message },
  );
};
