/** The SDK's encryption primitives (client/crypto.ts), on Node.js's WebCrypto. */
import { describe, expect, it } from 'vitest';
import { toBase64url } from '../../client/base64url.js';
import {
  decryptBytes,
  decryptText,
  deriveRoomKey,
  encryptBytes,
  encryptText,
  exportRoomKey,
  generateRoomKey,
  importRoomKey,
  isCiphertext,
} from '../../client/index.js';
import { ENCRYPTED_TEXT_MAX_BYTES } from '../../client/room-keys.js';
import { DEFAULT_LIMITS } from '../../functions/core/limits.js';
import { envelopeLength } from '../../protocol/ciphertext-envelope.js';

describe('encryptText and decryptText', () => {
  it('round-trip any text, and the envelope is what the server accepts', async () => {
    const key = await generateRoomKey();
    for (const text of ['', 'hi', 'ünïcødé 👋🏽 中文', 'x'.repeat(ENCRYPTED_TEXT_MAX_BYTES)]) {
      const envelope = await encryptText(key, text, 'vault');
      expect(isCiphertext(envelope)).toBe(true);
      expect(envelope.length).toBe(envelopeLength(new TextEncoder().encode(text).length));
      expect(await decryptText(key, envelope, 'vault')).toBe(text);
    }
  });

  it('decode every length of ciphertext (each base64url remainder)', async () => {
    const key = await generateRoomKey();
    for (let n = 0; n < 12; n++) {
      const text = 'é'.repeat(n) + 'x'.repeat(n % 3);
      expect(await decryptText(key, await encryptText(key, text, 'r'), 'r')).toBe(text);
    }
  });

  it('use a fresh IV every time', async () => {
    const key = await generateRoomKey();
    const [a, b] = [await encryptText(key, 'same', 'r'), await encryptText(key, 'same', 'r')];
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
  });

  it('refuse another room, another key and any altered character', async () => {
    const key = await generateRoomKey();
    const envelope = await encryptText(key, 'secret', 'vault');
    await expect(decryptText(key, envelope, 'lobby')).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(decryptText(await generateRoomKey(), envelope, 'vault')).rejects.toMatchObject({
      code: 'bad_request',
    });
    const last = envelope.at(-1) === 'A' ? 'Q' : 'A';
    await expect(decryptText(key, envelope.slice(0, -1) + last, 'vault')).rejects.toMatchObject({
      code: 'bad_request',
    });
    await expect(decryptText(key, 'plain', 'vault')).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('fit the largest plaintext into the server default MAX_MESSAGE_CHARS', () => {
    expect(ENCRYPTED_TEXT_MAX_BYTES).toBe(2968);
    expect(envelopeLength(ENCRYPTED_TEXT_MAX_BYTES)).toBe(DEFAULT_LIMITS.maxMessageChars);
  });
});

describe('deriveRoomKey', () => {
  it('gives every member the same key for a room, and another key in another room', async () => {
    const [a, b, other] = await Promise.all([
      deriveRoomKey('correct horse', 'vault'),
      deriveRoomKey('correct horse', 'vault'),
      deriveRoomKey('correct horse', 'lobby'),
    ]);
    const envelope = await encryptText(a, 'hello', 'vault');
    expect(await decryptText(b, envelope, 'vault')).toBe('hello');
    // Same passphrase, other room: the key differs (the room id is in the salt).
    const there = await encryptText(other, 'hello', 'lobby');
    await expect(decryptText(a, there, 'lobby')).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('raw keys', () => {
  it('export and import to the same key', async () => {
    const key = await generateRoomKey();
    const raw = await exportRoomKey(key);
    expect(raw).toHaveLength(32);
    const again = await importRoomKey(raw);
    expect(await decryptText(again, await encryptText(key, 'x', 'r'), 'r')).toBe('x');
    await expect(importRoomKey(raw.subarray(1))).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('encryptBytes and decryptBytes', () => {
  it('seal bytes as IV || ciphertext, 28 bytes more, bound to a room when asked', async () => {
    const key = await generateRoomKey();
    const data = new Uint8Array(1000).map((_, i) => i % 251);
    const sealed = await encryptBytes(key, data, 'vault');
    expect(sealed).toHaveLength(data.length + 28);
    expect(await decryptBytes(key, sealed, 'vault')).toEqual(data);
    await expect(decryptBytes(key, sealed, 'lobby')).rejects.toMatchObject({
      code: 'bad_request',
    });
    const plain = await encryptBytes(key, data);
    expect(await decryptBytes(key, plain)).toEqual(data);
  });
});

describe('toBase64url', () => {
  it('matches Node.js for every length remainder', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 97 + n) % 256);
      expect(toBase64url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
    }
  });
});
