/**
 * What edits and deletes share: who may change a message in a room, and how the change
 * reaches the caller, the cached window and the room.
 */
import type { Reply } from './actions/types.js';
import { ChatError } from './errors.js';
import { deliver } from './fanout.js';
import { linkMessage } from './files.js';
import { hasJoined, readRoomConnections } from './membership.js';
import type { Caller, Message } from './message.js';
import type { ChatDeps, MessageChange } from './ports.js';
import type { Member } from './room.js';
import type { ServerFrame } from './server-frames.js';

/**
 * The caller's member row, once this connection has joined the room and the row is active
 * (a removed or banned user's connections have left the room, so this is a second guard).
 * Both reads are by key and independent, so they run together.
 */
export async function memberChanging(
  deps: ChatDeps,
  roomId: string,
  caller: Caller,
  verb: string,
): Promise<Member> {
  const [joined, member] = await Promise.all([
    hasJoined(deps, roomId, caller.connectionId),
    deps.rooms.getMember(roomId, caller.userId),
  ]);
  if (!joined) throw new ChatError('forbidden', `Join room ${roomId} before you ${verb} in it`);
  if (!member || member.banned) {
    throw new ChatError('forbidden', `You are not a member of ${roomId}`);
  }
  return member;
}

/**
 * Acks the caller with the message as stored now (or `acked`, the caller's own view of it:
 * a reaction's `me`) and, when the call changed it, tells the room's other connections
 * with `frame`.
 *
 * The window is rewritten first, then the room is read, then the frame goes out. A
 * connection that joins meanwhile is therefore either in that read (and gets the frame) or
 * joined the cache after the rewrite, so its join reply reads the new state: no joiner is
 * left with the old content and no frame to correct it. (A send solves the same race with
 * its join stamp, to keep the audience read off its hot path; an edit can afford the order.)
 *
 * A retry (`changed: false`) only gets its ack. It still rewrites the window: the state is
 * the same, and a first attempt that died between its commit and its cache write leaves a
 * window that would serve the old state until it expired.
 */
export async function publishChange(
  deps: ChatDeps,
  caller: Caller,
  change: MessageChange,
  frame: ServerFrame,
  reply: Reply,
  acked: Message = change.message,
): Promise<void> {
  const { message, changed } = change;
  // Issued in the same turn as the window write, so a read the ack can cause finds it.
  // Readers get fresh links to the message's files; the window keeps the record's form.
  const ackSent = (async () => reply({ type: 'ack', message: await linkMessage(deps, acked) }))();
  const delivered = replaceInWindow(deps, message).then(async () => {
    if (!changed) return;
    const connections = await readRoomConnections(deps, message.roomId);
    const others = connections.filter((c) => c.connectionId !== caller.connectionId);
    const out =
      frame.type === 'message_updated'
        ? { ...frame, message: await linkMessage(deps, frame.message) }
        : frame;
    await deliver(deps, message.roomId, others, out);
  });
  // As a send: a failed ack does not cost the room its frame, nor the other way round.
  const [ackResult, deliveredResult] = await Promise.allSettled([ackSent, delivered]);
  if (deliveredResult.status === 'rejected') throw deliveredResult.reason;
  if (ackResult.status === 'rejected') throw ackResult.reason ?? new Error('ack failed');
}

/**
 * Puts the new state in the cached window. The record has it; a cache that cannot take it
 * must not go on serving the old state, so on failure the window is dropped and rebuilt
 * from the record on the next read. Never rejects.
 */
async function replaceInWindow(deps: ChatDeps, message: Message): Promise<void> {
  const { roomId, seq } = message;
  try {
    await deps.cache.replaceRecentMessage(roomId, message);
  } catch (error) {
    deps.log.warn('cache replace failed; dropping the window', {
      roomId,
      seq,
      error: String(error),
    });
    await deps.cache.forgetRecentMessages(roomId).catch((e: unknown) => {
      deps.log.error('could not drop the cached window', { roomId, error: String(e) });
    });
  }
}
