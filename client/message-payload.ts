/**
 * What an encrypted room's message holds inside its envelope (docs/protocol.md,
 * "End-to-end encrypted rooms (v2)"): a versioned JSON payload of the text and the real
 * names and types of its files, which the server sees only as `ENCRYPTED_UPLOAD`.
 */
import { decryptText, encryptText, type RoomKey } from './crypto.js';
import { ParleyError } from './errors.js';

/** A file of an encrypted message: its upload's id, and the name and type only members see. */
export interface SealedFile {
  id: string;
  name: string;
  type: string;
}

/**
 * What an encrypted room's message holds inside its envelope: the JSON
 * `{"v":1,"text":"...","files":[{"id","name","type"}]}` (`files` absent when empty).
 * The server sees the uploads only as `encrypted.bin`, `application/octet-stream`
 * (`ENCRYPTED_UPLOAD`); their real names and types travel here.
 */
export interface MessagePayload {
  text: string;
  files?: SealedFile[];
}

/** The name and type every upload to an encrypted room is given on the server. */
export const ENCRYPTED_UPLOAD = {
  fileName: 'encrypted.bin',
  contentType: 'application/octet-stream',
} as const;

/** The plaintext of a message payload (what `sealMessage` encrypts). */
export function encodePayload(payload: MessagePayload): string {
  const files = payload.files?.map(({ id, name, type }) => ({ id, name, type })) ?? [];
  return JSON.stringify({ v: 1, text: payload.text, ...(files.length > 0 ? { files } : {}) });
}

/** The payload in a plaintext, or undefined when it is not a version-1 payload. */
export function decodePayload(plaintext: string): MessagePayload | undefined {
  let value: unknown;
  try {
    value = JSON.parse(plaintext);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { v, text, files } = value as Record<string, unknown>;
  if (v !== 1 || typeof text !== 'string') return undefined;
  if (files === undefined) return { text };
  if (!Array.isArray(files) || !files.every(isSealedFile)) return undefined;
  return { text, files };
}

function isSealedFile(file: unknown): file is SealedFile {
  if (typeof file !== 'object' || file === null) return false;
  const { id, name, type } = file as Record<string, unknown>;
  return typeof id === 'string' && typeof name === 'string' && typeof type === 'string';
}

/** The envelope of a message payload for `roomId` (what the SDK sends as `content`). */
export function sealMessage(
  key: RoomKey,
  payload: MessagePayload,
  roomId: string,
): Promise<string> {
  return encryptText(key, encodePayload(payload), roomId);
}

/** The payload of a message envelope; rejects (`bad_request`) as `decryptText`, or if not a payload. */
export async function openMessage(
  key: RoomKey,
  envelope: string,
  roomId: string,
): Promise<MessagePayload> {
  const payload = decodePayload(await decryptText(key, envelope, roomId));
  if (!payload) throw new ParleyError('bad_request', 'Not a Parley message payload');
  return payload;
}
