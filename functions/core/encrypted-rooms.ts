/**
 * End-to-end encrypted rooms (docs/protocol.md, "End-to-end encrypted rooms (v2)"): in a
 * room created with `encrypted: true` the server stores and relays `content` only as the
 * SDK's ciphertext envelope (protocol/ciphertext-envelope.ts), and never reads mentions in
 * it. The server holds no key; all it can check is the shape.
 */
import { isCiphertext } from '../../protocol/ciphertext-envelope.js';
import { ChatError } from './errors.js';
import { parseMentions } from './mentions.js';
import type { RoomStore } from './ports.js';

/** Facts about a room that never change once it exists, remembered by a warm runtime. */
export interface RoomFacts {
  /** Whether the room is end-to-end encrypted; false for a room that does not exist. */
  encrypted(roomId: string): Promise<boolean>;
}

/** Rooms remembered per runtime; past it the memory starts again (a cold read each). */
const REMEMBERED_ROOMS_MAX = 10_000;

/**
 * Reads a room's `encrypted` flag once per runtime (per warm Lambda container) and keeps
 * it: the flag is set by `create_room` in the statement that creates the room, and nothing
 * changes it afterwards (`update_room` does not take it, rooms are never deleted), so the
 * remembered value cannot go stale and the send path stays one PostgreSQL statement when
 * warm (design.md: an L1 may keep small immutable facts). A room not found is not
 * remembered: it may yet be created, encrypted.
 */
export function rememberRoomFacts(rooms: Pick<RoomStore, 'getRoom'>): RoomFacts {
  const known = new Map<string, boolean>();
  return {
    async encrypted(roomId) {
      const remembered = known.get(roomId);
      if (remembered !== undefined) return remembered;
      const room = await rooms.getRoom(roomId);
      if (!room) return false;
      if (known.size >= REMEMBERED_ROOMS_MAX) known.clear();
      known.set(roomId, room.encrypted);
      return room.encrypted;
    },
  };
}

/**
 * Whether `content` may be stored in the room: content that is already an envelope, or
 * empty (a message of attachments only), may go in any room and needs no read at all;
 * other text only where the room is not encrypted. Answered apart from the refusal
 * (`refuseContent`) so that the caller can read it beside its own checks and still refuse
 * a stranger as a stranger first, telling them nothing about the room.
 */
export async function contentAllowed(
  facts: RoomFacts,
  roomId: string,
  content: string,
): Promise<boolean> {
  if (content === '' || isCiphertext(content)) return true;
  return !(await facts.encrypted(roomId));
}

/** The refusal of plaintext in an encrypted room. */
export function refuseContent(roomId: string): ChatError {
  return new ChatError(
    'bad_request',
    `room ${roomId} is end-to-end encrypted: content must be ciphertext from the SDK`,
  );
}

/**
 * The mentions the server records for `content`: none for ciphertext, which it cannot
 * read (in an encrypted room, notifying the people a message names is the app's job), and
 * no client-claimed list either, so a mention count can never be forged.
 */
export function mentionsOf(content: string): string[] {
  return isCiphertext(content) ? [] : parseMentions(content);
}
