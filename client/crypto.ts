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
import { fromBase64url, toBase64url } from './base64url.js';
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
