/**
 * End-to-end encryption for Parley rooms: AES-256-GCM through WebCrypto
 * (`globalThis.crypto.subtle`, in browsers and Node.js 20+). The server sees only the
 * envelope `pe1.<iv>.<ciphertext>` (protocol/ciphertext-envelope.ts); the key never leaves
 * the app. Getting the same key to every member is the app's job (docs/encryption.md).
 *
 * @example
 * ```ts
 * const key = await deriveRoomKey('correct horse battery staple', 'vault');
 * client.setRoomKey('vault', key);
 * await client.send('vault', 'only members read this');
 * ```
 */
import {
  ENVELOPE_PREFIX,
  IV_BYTES,
  isCiphertext,
  maxPlaintextBytes,
} from '../protocol/ciphertext-envelope.js';
import { ParleyError } from './errors.js';

export { isCiphertext, maxPlaintextBytes };

/**
 * PBKDF2-SHA-256 iterations of `deriveRoomKey`: OWASP's 2023 recommendation for
 * PBKDF2-HMAC-SHA256. Part of the key's definition: changing it changes every derived key.
 */
export const PBKDF2_ITERATIONS = 600_000;

/** Prefixed to the room id to make the PBKDF2 salt (see `deriveRoomKey`). */
const SALT_LABEL = 'parley/room-key/v1:';
/** Prefixed to the room id to make the additional data every ciphertext is bound to. */
const AAD_LABEL = 'parley/pe1:';

type Subtle = (typeof globalThis.crypto)['subtle'];
/** An AES-256-GCM room key: WebCrypto's `CryptoKey` (the DOM's and Node.js's alike). */
export type RoomKey = Awaited<ReturnType<Subtle['importKey']>>;
type AesGcmParams = Parameters<Subtle['encrypt']>[0];

const AES_GCM = 'AES-GCM';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function subtle(): Subtle {
  const found = globalThis.crypto?.subtle;
  if (!found) {
    throw new ParleyError(
      'internal',
      'WebCrypto is not available (a browser page must be served over HTTPS or localhost)',
    );
  }
  return found;
}

/**
 * A room key from a passphrase every member knows: PBKDF2-SHA-256, `PBKDF2_ITERATIONS`
 * rounds, 256 bits. The salt is a fixed label and the room id, so every member derives the
 * same key with nothing stored on the server, while the same passphrase gives another key
 * in every room (one room's key opens no other) and a guesser must start again per room
 * rather than test a passphrase list once against all rooms. A passphrase is only as
 * strong as it is long: prefer `generateRoomKey` and share its bytes where you can.
 * The key is not extractable.
 */
export async function deriveRoomKey(passphrase: string, roomId: string): Promise<RoomKey> {
  const material = await subtle().importKey('raw', encoder.encode(passphrase), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return subtle().deriveKey(
    {
      name: 'PBKDF2',
      hash: 'SHA-256',
      salt: encoder.encode(SALT_LABEL + roomId),
      iterations: PBKDF2_ITERATIONS,
    },
    material,
    { name: AES_GCM, length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** A new random room key, extractable so that the app can hand it to members (`exportRoomKey`). */
export function generateRoomKey(): Promise<RoomKey> {
  return subtle().generateKey({ name: AES_GCM, length: 256 }, true, [
    'encrypt',
    'decrypt',
  ]) as Promise<RoomKey>;
}

/** The 32 raw bytes of an extractable room key. */
export async function exportRoomKey(key: RoomKey): Promise<Uint8Array> {
  return new Uint8Array(await subtle().exportKey('raw', key));
}

/** A room key from its 32 raw bytes (as `exportRoomKey` gave them). */
export function importRoomKey(raw: Uint8Array, extractable = false): Promise<RoomKey> {
  if (raw.length !== 32) {
    return Promise.reject(
      new ParleyError('bad_request', `A room key is 32 bytes, not ${raw.length}`),
    );
  }
  return subtle().importKey('raw', copy(raw), AES_GCM, extractable, ['encrypt', 'decrypt']);
}

/**
 * Encrypts `text` for `roomId` into the envelope. The room id is the ciphertext's
 * additional authenticated data: replayed into another room, it fails to decrypt there.
 */
export async function encryptText(key: RoomKey, text: string, roomId: string): Promise<string> {
  const iv = randomIv();
  const sealed = await seal(key, iv, encoder.encode(text), roomId);
  return `${ENVELOPE_PREFIX}${toBase64url(iv)}.${toBase64url(sealed)}`;
}

/**
 * The text in an envelope made for `roomId` with `key`. Rejects (`bad_request`) what is
 * not an envelope, and a wrong key, another room's ciphertext or any altered byte alike
 * (GCM authenticates all of them).
 */
export async function decryptText(key: RoomKey, envelope: string, roomId: string): Promise<string> {
  if (!isCiphertext(envelope)) throw new ParleyError('bad_request', 'Not a Parley ciphertext');
  const [, iv = '', sealed = ''] = envelope.split('.');
  const plain = await open(key, fromBase64url(iv), fromBase64url(sealed), roomId);
  return decoder.decode(plain);
}

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

/**
 * Encrypts bytes (a file) into IV || ciphertext+tag: 28 bytes more than `data`. Pass the
 * room id as `roomId` to bind the bytes to the room as `encryptText` does; decrypt with
 * the same.
 */
export async function encryptBytes(
  key: RoomKey,
  data: Uint8Array,
  roomId?: string,
): Promise<Uint8Array> {
  const iv = randomIv();
  const sealed = await seal(key, iv, data, roomId);
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv, 0);
  out.set(sealed, IV_BYTES);
  return out;
}

/** The bytes `encryptBytes` sealed; rejects (`bad_request`) on a wrong key or any change. */
export function decryptBytes(key: RoomKey, data: Uint8Array, roomId?: string): Promise<Uint8Array> {
  return open(key, data.subarray(0, IV_BYTES), data.subarray(IV_BYTES), roomId);
}

function randomIv(): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
}

function params(iv: Uint8Array, roomId: string | undefined): AesGcmParams {
  return {
    name: AES_GCM,
    iv: copy(iv),
    ...(roomId === undefined ? {} : { additionalData: encoder.encode(AAD_LABEL + roomId) }),
  };
}

async function seal(
  key: RoomKey,
  iv: Uint8Array,
  data: Uint8Array,
  roomId: string | undefined,
): Promise<Uint8Array> {
  return new Uint8Array(await subtle().encrypt(params(iv, roomId), key, copy(data)));
}

async function open(
  key: RoomKey,
  iv: Uint8Array,
  sealed: Uint8Array,
  roomId: string | undefined,
): Promise<Uint8Array> {
  try {
    return new Uint8Array(await subtle().decrypt(params(iv, roomId), key, copy(sealed)));
  } catch (cause) {
    throw new ParleyError(
      'bad_request',
      'Could not decrypt: another key, another room, or altered',
      undefined,
      { cause },
    );
  }
}

/** A copy over its own ArrayBuffer, the only buffer type WebCrypto's types take. */
function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Each base64url character's value, by char code (a table: decoding is per character). */
const VALUES = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

const digit = (n: number) => ALPHABET.charAt(n & 63);

/** Unpadded base64url (no `btoa` and its binary strings, no Node.js Buffer). */
export function toBase64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += digit(n >> 18) + digit(n >> 12) + digit(n >> 6) + digit(n);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out += digit(n >> 18) + digit(n >> 12);
    if (rest === 2) out += digit(n >> 6);
  }
  return out;
}

/** The bytes of unpadded base64url already checked by `isCiphertext`. */
function fromBase64url(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    value = (value << 6) | (VALUES[text.charCodeAt(i)] ?? 0);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
      value &= (1 << bits) - 1;
    }
  }
  return out;
}
