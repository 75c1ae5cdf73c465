import { contentAllowed, mentionsOf, refuseContent } from '../encrypted-rooms.js';
import { deliver } from '../fanout.js';
import { checkAttachments, linkMessage } from '../files.js';
import type { SendMessageRequest } from '../frames.js';
import { joinedAudience } from '../membership.js';
import type { Message, RoomConnection } from '../message.js';
import type { ChatDeps, JoinsSince } from '../ports.js';
import type { ServerFrame } from '../server-frames.js';
import type { ActionHandler } from './types.js';

/**
 * The hot path: one cache read both authorizes the sender and lists the room's
 * connections; one PostgreSQL statement stores the message with the next seq; once that
 * has committed, the ack goes to the sender, then the room's cached window takes the
 * message while every other connection in the room gets it.
 *
 * A connection that joins between the read and the commit is in neither: the read missed
 * it, and its join reply was read before the message existed. The window append therefore
 * also answers who joined since the read (one atomic step in the cache), and they get the
 * message too; a join after that step finds it in the window. Without this, a joiner missed
 * the message until a later one showed the gap (docs/decisions/2026-12-06-join-send-race.md).
 */
export const sendMessage: ActionHandler<SendMessageRequest> = async (
  deps,
  caller,
  request,
  reply,
  admitted,
) => {
  const { roomId } = request;
  // The rate limiter's take was issued just before, in this same turn of the event loop as
  // this cache read, so the two share one Redis round trip (auto-pipelining); a refusal
  // throws here, before anything is stored.
  // An encrypted room takes only ciphertext. Its flag never changes, so a warm runtime
  // knows it without a read (encrypted-rooms.ts); a cold one reads it beside the cache.
  const [audience, allowed] = await Promise.all([
    joinedAudience(deps, roomId, caller, admitted, `Join room ${roomId} before sending to it`),
    contentAllowed(deps.roomFacts, roomId, request.content),
  ]);
  if (!allowed) throw refuseContent(roomId);
  const { connections } = audience;
  // Files: one HEAD per upload, all at once, once the sender is known to be in the room
  // (a send without attachments makes none).
  const attachments = request.attachments
    ? await checkAttachments(deps, roomId, caller.userId, request.attachments)
    : undefined;
  const { message, duplicate } = await deps.messages.appendMessage({
    roomId,
    userId: caller.userId,
    content: request.content,
    clientMsgId: request.clientMsgId,
    replyTo: request.replyTo,
    mentions: mentionsOf(request.content),
    ...(attachments ? { attachments } : {}),
  });
  // What readers get: the stored message with fresh links to its files (the window keeps
  // the record's form, without links, which expire). No work without attachments.
  const served = await linkMessage(deps, message);
  // The ack leaves first: it is what the sender waits for. (Called through an async wrapper
  // so that a reply that throws at once still lets the window and the room have the message.)
  const acked = (async () => reply({ type: 'ack', message: served }))();
  if (duplicate) {
    // Its first send stored, appended and fanned it out; a retry only needs its ack.
    await acked;
    return;
  }
  const frame: ServerFrame = { type: 'new_message', message: served };
  // The window append is a cache write, issued in the same turn of the event loop as the ack
  // (it leaves for Redis before this turn ends), so a read the ack can cause, a client round
  // trip later, finds it. Issued after the ack rather than before it, the ack does not wait
  // for the message's serialization. Its answer (who joined since the read) is only waited
  // for by the late joiners' delivery.
  const lateJoiners = appendToWindow(deps, roomId, message, audience.joinStamp).then((since) =>
    deliverToLateJoiners(deps, roomId, since, connections, frame),
  );
  // The ack and the fan-out leave together. On AWS each is a PostToConnection (an HTTPS
  // call): waiting for the ack's before posting to the room would add one call to every
  // delivery. They go to different connections (the sender's own is not in `others`), so no
  // connection sees frames out of order; and a failed ack does not cost the room its
  // delivery (the client's retry is a duplicate, which is rightly not fanned out again).
  const others = connections.filter((c) => c.connectionId !== caller.connectionId);
  const [ackResult, delivered, late] = await Promise.allSettled([
    acked,
    deliver(deps, roomId, others, frame),
    lateJoiners,
  ]);
  if (delivered.status === 'rejected') throw delivered.reason;
  if (late.status === 'rejected') throw late.reason;
  if (ackResult.status === 'rejected') throw ackResult.reason ?? new Error('ack failed');
};

/**
 * Adds the message to the room's cached window and learns who joined since the send read
 * the room. The message is durable; a cache that cannot take it must not serve a window
 * that silently ends before it, so on failure the window is dropped and rebuilt on the next
 * read, and who joined is `unknown`. Never rejects.
 */
async function appendToWindow(
  deps: ChatDeps,
  roomId: string,
  message: Message,
  joinStamp: string | undefined,
): Promise<JoinsSince> {
  try {
    return await deps.cache.appendRecentMessage(roomId, message, joinStamp);
  } catch (error) {
    deps.log.warn('cache append failed; dropping the window', {
      roomId,
      seq: message.seq,
      error: String(error),
    });
    await deps.cache.forgetRecentMessages(roomId).catch((e: unknown) => {
      deps.log.error('could not drop the cached window', { roomId, error: String(e) });
    });
    return { kind: 'unknown' };
  }
}

/**
 * Sends the message to connections that joined after the send read the room. When the
 * cache cannot tell, the durable store can: joins write DynamoDB before the cache, so a
 * join it does not list yet reads its history after this message committed.
 */
async function deliverToLateJoiners(
  deps: ChatDeps,
  roomId: string,
  since: JoinsSince,
  seen: readonly RoomConnection[],
  frame: ServerFrame,
): Promise<void> {
  if (since.kind === 'none') return;
  let now: RoomConnection[];
  try {
    now =
      since.kind === 'joined' ? since.connections : await deps.connections.roomConnections(roomId);
  } catch (error) {
    // The sender has its ack; a joiner this misses learns of the message from the next one.
    deps.log.error('could not read the room again for late joiners', {
      roomId,
      error: String(error),
    });
    return;
  }
  const known = new Set(seen.map((c) => c.connectionId));
  const late = now.filter((c) => !known.has(c.connectionId));
  await deliver(deps, roomId, late, frame);
}
