/**
 * Read state (protocol v2, "Read state"): a member's cursor in a room, what their other
 * devices are told when it moves, and read receipts to the room. The cursor lives in
 * PostgreSQL only (`room_members.read_seq`); nothing here is cached, so a lost cache costs
 * no count. Receipts are a courtesy on top: bounded by room size and throttled.
 */
import { deliver } from './fanout.js';
import type { RoomConnection } from './message.js';
import type { ChatDeps, ReadCursor } from './ports.js';
import type { ReadFrame, ReadStateFrame } from './server-frames.js';

/** `readSeq` and `unread` (`lastSeq - readSeq`, never below 0) of a cursor. */
export function readState(lastSeq: number, readSeq: number): { readSeq: number; unread: number } {
  return { readSeq, unread: Math.max(0, lastSeq - readSeq) };
}

/** The `read_state` frame of a cursor: the reply to `mark_read`, and what other devices get. */
export function readStateFrame(roomId: string, cursor: ReadCursor): ReadStateFrame {
  return { type: 'read_state', roomId, ...readState(cursor.lastSeq, cursor.readSeq) };
}

/** Who a moved cursor is told to, out of the room's connections. */
export interface CursorAudience {
  /** The user's other connections in the room: they get the same `read_state`. */
  devices: RoomConnection[];
  /** Other users' connections: they may get a `read` receipt. */
  others: RoomConnection[];
}

export function cursorAudience(
  connections: readonly RoomConnection[],
  caller: RoomConnection,
): CursorAudience {
  const devices: RoomConnection[] = [];
  const others: RoomConnection[] = [];
  for (const c of connections) {
    if (c.userId !== caller.userId) others.push(c);
    else if (c.connectionId !== caller.connectionId) devices.push(c);
  }
  return { devices, others };
}

/**
 * Sends `read {roomId, userId, seq}` to the other users' connections, when the room has at
 * most `receiptsMaxMembers` connections (a receipt per reader per message is a fan-out of
 * readers x members: bounded, it stays O(room) per message) and the user has not had a
 * receipt in this room within `receiptThrottleMs`. A receipt the throttle holds back is not
 * lost: the cursor is in the record, and the next receipt or `get_room` tells it.
 * Fails open: with the cache down the receipt goes out unthrottled.
 */
export async function sendReceipt(
  deps: ChatDeps,
  roomId: string,
  userId: string,
  seq: number,
  audience: { roomSize: number; others: RoomConnection[] },
): Promise<void> {
  if (audience.others.length === 0 || audience.roomSize > deps.limits.receiptsMaxMembers) return;
  if (!(await claimReceipt(deps, roomId, userId))) return;
  const frame: ReadFrame = { type: 'read', roomId, userId, seq };
  await deliver(deps, roomId, audience.others, frame);
}

async function claimReceipt(deps: ChatDeps, roomId: string, userId: string): Promise<boolean> {
  try {
    return await deps.cache.claimReadReceipt(roomId, userId, deps.limits.receiptThrottleMs);
  } catch (error) {
    deps.log.warn('receipt throttle unavailable; sending the receipt', {
      roomId,
      error: String(error),
    });
    return true;
  }
}
