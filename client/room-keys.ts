/**
 * The client's room keys (`client.setRoomKey`): what goes out in a room with a key is
 * sealed (crypto.ts: the message payload in its envelope), and every message that comes
 * in from one is opened before the app sees it: live frames, acks, history and thread
 * pages, `listRooms`' last messages, search results. A message no key opens keeps its
 * envelope as `content` (an app shows a lock: `isCiphertext(content)`). In a room the
 * client knows is encrypted and holds no key for, nothing is sent: plaintext never leaves
 * by mistake.
 */
import { maxPlaintextBytes } from '../protocol/ciphertext-envelope.js';
import { decryptBytes, encryptBytes, encryptText, isCiphertext, type RoomKey } from './crypto.js';
import { ParleyError } from './errors.js';
import {
  ENCRYPTED_UPLOAD,
  encodePayload,
  type MessagePayload,
  openMessage,
  type SealedFile,
} from './message-payload.js';
import type { Message, ServerFrame } from './types.js';

/**
 * The longest payload (UTF-8 bytes of its JSON) whose envelope fits the server's default
 * `MAX_MESSAGE_CHARS` (4,000): 2,968, so 2,951 bytes of text with nothing to escape. A
 * server set lower refuses longer envelopes itself, with the same `payload_too_large`.
 */
export const ENCRYPTED_TEXT_MAX_BYTES = maxPlaintextBytes(4000);

/** Files remembered per message (for edits) and per upload (for sends), at most this many. */
const FILES_REMEMBERED_MAX = 1_000;

const encoder = new TextEncoder();

/** A file ready for an upload to an encrypted room: sealed bytes, neutral name and type. */
export interface SealedUpload {
  name: typeof ENCRYPTED_UPLOAD.fileName;
  type: typeof ENCRYPTED_UPLOAD.contentType;
  data: Uint8Array;
}

export class RoomKeys {
  private readonly keys = new Map<string, RoomKey>();
  /** Rooms the server said are encrypted (join replies, room pages). */
  private readonly encrypted = new Set<string>();
  /** Seals in call order: two sends in a row leave in that order. */
  private sealing: Promise<unknown> = Promise.resolve();
  /** Real names and types of this client's uploads to encrypted rooms, by upload id. */
  private readonly uploads = new Map<string, SealedFile>();
  /** The files of messages opened here, by `roomId seq`, so an edit keeps them. */
  private readonly filesOf = new Map<string, SealedFile[]>();

  set(roomId: string, key: RoomKey | undefined): void {
    if (key) this.keys.set(roomId, key);
    else this.keys.delete(roomId);
  }

  /** Whether content for `roomId` goes through `seal` (a key, or a room known encrypted). */
  seals(roomId: string): boolean {
    return this.keys.has(roomId) || this.encrypted.has(roomId);
  }

  /**
   * The content to send in `roomId`: the envelope of `text` and the real names of the
   * attachments (`uploadIds` of `sealUpload`ed files) under the room's key. For an edit,
   * `seq` keeps the files the message had. Rejects, sending nothing, without a key
   * (`bad_request`) or when the envelope would be longer than the server takes
   * (`payload_too_large`, as the server would answer).
   */
  async seal(
    roomId: string,
    text: string,
    options: { uploadIds?: readonly string[]; seq?: number } = {},
  ): Promise<string> {
    const key = this.requireKey(roomId);
    const files =
      options.seq !== undefined
        ? (this.filesOf.get(`${roomId} ${options.seq}`) ?? [])
        : (options.uploadIds ?? []).flatMap((id) => this.uploads.get(id) ?? []);
    const plaintext = encodePayload({ text, files });
    const bytes = encoder.encode(plaintext).length;
    if (bytes > ENCRYPTED_TEXT_MAX_BYTES) {
      throw new ParleyError(
        'payload_too_large',
        `The message is ${bytes} bytes of UTF-8 sealed; an encrypted room takes at most ${ENCRYPTED_TEXT_MAX_BYTES}`,
      );
    }
    // Chained before the first await, so seals finish in the order they were asked for.
    const sealed = this.sealing.then(() => encryptText(key, plaintext, roomId));
    this.sealing = sealed.catch(() => {});
    return sealed;
  }

  /**
   * A file for an upload to encrypted `roomId`: its bytes sealed to the room, under the
   * neutral name and type the server will see. Tell `uploaded` the upload's id after.
   */
  async sealUpload(roomId: string, data: Uint8Array): Promise<SealedUpload> {
    const key = this.requireKey(roomId);
    const sealed = await encryptBytes(key, data, roomId);
    return { name: ENCRYPTED_UPLOAD.fileName, type: ENCRYPTED_UPLOAD.contentType, data: sealed };
  }

  /** The bytes of an upload to encrypted `roomId`, opened with its key. */
  openUpload(roomId: string, data: Uint8Array): Promise<Uint8Array> {
    return decryptBytes(this.requireKey(roomId), data, roomId);
  }

  /** Remembers a sealed upload's real name and type, to seal into the message that sends it. */
  uploaded(file: SealedFile): void {
    if (this.uploads.size >= FILES_REMEMBERED_MAX) this.uploads.clear();
    this.uploads.set(file.id, file);
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

  /**
   * Replaces each message's envelope by its text, and its attachments' neutral names and
   * types by the real ones, in place; leaves what no key opens as it came.
   */
  async open(frame: ServerFrame): Promise<void> {
    await Promise.all(messagesOf(frame).map((message) => this.openOne(message)));
  }

  private async openOne(message: Message): Promise<void> {
    const { roomId } = message;
    const key = this.keys.get(roomId);
    if (!key || !isCiphertext(message.content)) return;
    let payload: MessagePayload;
    try {
      payload = await openMessage(key, message.content, roomId);
    } catch {
      return; // another key, another room's ciphertext, altered, or not a payload
    }
    message.content = payload.text;
    const files = payload.files ?? [];
    if (files.length === 0) return;
    if (this.filesOf.size >= FILES_REMEMBERED_MAX) this.filesOf.clear();
    this.filesOf.set(`${roomId} ${message.seq}`, files);
    for (const attachment of message.attachments ?? []) {
      const real = files.find((f) => f.id === attachment.id);
      if (!real) continue;
      attachment.fileName = real.name;
      attachment.contentType = real.type;
    }
  }

  private requireKey(roomId: string): RoomKey {
    const key = this.keys.get(roomId);
    if (key) return key;
    throw new ParleyError(
      'bad_request',
      `Room ${roomId} is end-to-end encrypted: set its key with setRoomKey before sending`,
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
