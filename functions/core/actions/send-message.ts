import { ChatError } from '../errors.js';
import { deliver } from '../fanout.js';
import type { SendMessageRequest } from '../frames.js';
import type { Message } from '../message.js';
import type { ChatDeps } from '../ports.js';
import { readRoomConnections } from '../room-connections.js';
import type { ActionHandler } from './types.js';

/**
 * The hot path: one cache read both authorizes the sender and lists the room's
 * connections; one PostgreSQL statement stores the message with the next seq; once that
 * has committed, the ack goes to the sender, then the room's cached window takes the
 * message while every other connection in the room gets it.
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
  // The ack leaves first: it is what the sender waits for. (Called through an async wrapper
  // so that a reply that throws at once still lets the window and the room have the message.)
  const acked = (async () => reply({ type: 'ack', message }))();
  // The window append is a cache write, issued in the same turn of the event loop as the ack
  // (it leaves for Redis before this turn ends), so a read the ack can cause, a client round
  // trip later, finds it; but nothing waits for its reply until the end. Issued after the
  // ack rather than before it, the ack does not wait for the message's serialization.
  const cached = duplicate ? undefined : appendToWindow(deps, roomId, message);
  // The ack and the fan-out leave together. On AWS each is a PostToConnection (an HTTPS
  // call): waiting for the ack's before posting to the room would add one call to every
  // delivery. They go to different connections (the sender's own is not in `others`), so no
  // connection sees frames out of order; and a failed ack does not cost the room its
  // delivery (the client's retry is a duplicate, which is rightly not fanned out again).
  const others = connections.filter((c) => c.connectionId !== caller.connectionId);
  const [ackResult, delivered] = await Promise.allSettled([
    acked,
    duplicate ? undefined : deliver(deps, roomId, others, { type: 'new_message', message }),
  ]);
  await cached;
  if (delivered.status === 'rejected') throw delivered.reason;
  if (ackResult.status === 'rejected') throw ackResult.reason ?? new Error('ack failed');
};

/**
 * Adds the message to the room's cached window. The message is durable; a cache that cannot
 * take it must not serve a window that silently ends before it, so on failure the window is
 * dropped and rebuilt on the next read. Never rejects.
 */
async function appendToWindow(deps: ChatDeps, roomId: string, message: Message): Promise<void> {
  await deps.cache.appendRecentMessage(roomId, message).catch(async (error: unknown) => {
    deps.log.warn('cache append failed; dropping the window', {
      roomId,
      seq: message.seq,
      error: String(error),
    });
    await deps.cache.forgetRecentMessages(roomId).catch((e: unknown) => {
      deps.log.error('could not drop the cached window', { roomId, error: String(e) });
    });
  });
}
