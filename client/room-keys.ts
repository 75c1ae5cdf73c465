/**
 * The client's room keys (`client.setRoomKey`): what goes out in a room with a key is
 * sealed (crypto.ts), and every message that comes in from one is opened before the app
 * sees it: live frames, acks, history and thread pages, `listRooms`' last messages,
 * search results. A message no key opens keeps its envelope as `content` (an app shows a
 * lock: `isCiphertext(content)`). In a room the client knows is encrypted and holds no
 * key for, nothing is sent: plaintext never leaves by mistake.
 */
import { maxPlaintextBytes } from '../protocol/ciphertext-envelope.js';
import { decryptText, encryptText, isCiphertext, type RoomKey } from './crypto.js';
import { ParleyError } from './errors.js';
import type { Message, ServerFrame } from './types.js';

/**
 * The longest plaintext (UTF-8 bytes) whose envelope fits the server's default
 * `MAX_MESSAGE_CHARS` (4,000): 2,968. A server set lower refuses longer envelopes itself,
 * with the same `payload_too_large`.
 */
export const ENCRYPTED_TEXT_MAX_BYTES = maxPlaintextBytes(4000);

const encoder = new TextEncoder();

export class RoomKeys {
  private readonly keys = new Map<string, RoomKey>();
  /** Rooms the server said are encrypted (join replies, room pages). */
  private readonly encrypted = new Set<string>();
  /** Seals in call order: two sends in a row leave in that order. */
  private sealing: Promise<unknown> = Promise.resolve();

  set(roomId: string, key: RoomKey | undefined): void {
    if (key) this.keys.set(roomId, key);
    else this.keys.delete(roomId);
  }

  /** Whether content for `roomId` goes through `seal` (a key, or a room known encrypted). */
  seals(roomId: string): boolean {
    return this.keys.has(roomId) || this.encrypted.has(roomId);
  }

  /**
   * The content to send in `roomId`: the envelope of `text` under the room's key.
   * Rejects, sending nothing, without a key (`bad_request`) or when the envelope would
   * be longer than the server takes (`payload_too_large`, as the server would answer).
   */
  seal(roomId: string, text: string): Promise<string> {
    const key = this.keys.get(roomId);
    if (!key) {
      return Promise.reject(
        new ParleyError(
          'bad_request',
          `Room ${roomId} is end-to-end encrypted: set its key with setRoomKey before sending`,
        ),
      );
    }
    const bytes = encoder.encode(text).length;
    if (bytes > ENCRYPTED_TEXT_MAX_BYTES) {
      return Promise.reject(
        new ParleyError(
          'payload_too_large',
          `content is ${bytes} bytes of UTF-8; an encrypted room takes at most ${ENCRYPTED_TEXT_MAX_BYTES}`,
        ),
      );
    }
    const sealed = this.sealing.then(() => encryptText(key, text, roomId));
    this.sealing = sealed.catch(() => {});
    return sealed;
  }

  /**
   * Notes what `frame` says about encrypted rooms, and whether it carries a message this
   * client holds a key for (then it must be opened before it is handled).
   */
  inspect(frame: ServerFrame): boolean {
    if (frame.type === 'room_history' && frame.encrypted) this.encrypted.add(frame.roomId);
    if (frame.type === 'room' && frame.room.encrypted) this.encrypted.add(frame.room.roomId);
    if (frame.type === 'rooms') {
      for (const room of frame.rooms) if (room.encrypted) this.encrypted.add(room.roomId);
    }
    return this.keys.size > 0 && messagesOf(frame).some((m) => this.keys.has(m.roomId));
  }

  /** Replaces each message's envelope by its text, in place; leaves what no key opens. */
  async open(frame: ServerFrame): Promise<void> {
    await Promise.all(
      messagesOf(frame).map(async (message) => {
        const key = this.keys.get(message.roomId);
        if (!key || !isCiphertext(message.content)) return;
        try {
          message.content = await decryptText(key, message.content, message.roomId);
        } catch {
          // Another key, another room's ciphertext, or altered: the envelope stays.
        }
      }),
    );
  }
}

/** The messages a frame carries. */
function messagesOf(frame: ServerFrame): Message[] {
  switch (frame.type) {
    case 'new_message':
    case 'ack':
    case 'message_updated':
      return [frame.message];
    case 'room_history':
      return frame.messages;
    case 'rooms':
      return frame.rooms.flatMap((room) => (room.lastMessage ? [room.lastMessage] : []));
    case 'search_results':
      return frame.results.map((result) => result.message);
    default:
      return [];
  }
}
