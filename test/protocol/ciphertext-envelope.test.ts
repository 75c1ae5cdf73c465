/** The encrypted-room envelope's shape, as the server checks it and the SDK makes it. */
import { describe, expect, it } from 'vitest';
import {
  envelopeLength,
  isCiphertext,
  maxPlaintextBytes,
} from '../../protocol/ciphertext-envelope.js';

const b64 = (bytes: number) => Buffer.alloc(bytes, 0xa5).toString('base64url');
const IV = b64(12);
const TAG = b64(16); // the shortest ciphertext part

describe('isCiphertext', () => {
  it('accepts the prefix, a 12-byte IV and at least 16 bytes of ciphertext', () => {
    expect(isCiphertext(`pe1.${IV}.${TAG}`)).toBe(true);
    for (const bytes of [17, 18, 19, 2984])
      expect(isCiphertext(`pe1.${IV}.${b64(bytes)}`)).toBe(true);
    expect(isCiphertext(`pe1.-_-_-_-_-_-_-_-_.${TAG}`)).toBe(true);
  });

  it.each([
    ['plain text', 'hello'],
    ['no prefix', `${IV}.${TAG}`],
    ['another version', `pe2.${IV}.${TAG}`],
    ['an IV of 11 bytes', `pe1.${b64(11)}.${TAG}`],
    ['an IV of 13 bytes', `pe1.${b64(13)}.${TAG}`],
    ['a ciphertext under the tag', `pe1.${IV}.${b64(15)}`],
    ['padding', `pe1.${IV}.${TAG}==`],
    ['standard base64', `pe1.${IV}.${TAG.slice(0, -2)}+/`],
    ['a length no bytes make', `pe1.${IV}.${b64(18)}A`],
    ['unused bits set', `pe1.${IV}.${TAG.slice(0, -1)}B`],
    ['a third part', `pe1.${IV}.${TAG}.${TAG}`],
    ['a space', `pe1.${IV}.${TAG} `],
    ['empty', ''],
  ])('refuses %s', (_, content) => {
    expect(isCiphertext(content)).toBe(false);
  });
});

describe('the plaintext an encrypted room holds', () => {
  it('is 2,968 UTF-8 bytes under the default 4,000 characters', () => {
    expect(maxPlaintextBytes(4000)).toBe(2968);
    expect(envelopeLength(2968)).toBe(4000);
    expect(envelopeLength(2969)).toBeGreaterThan(4000);
  });

  it('is the largest that fits, for any limit', () => {
    for (const max of [43, 44, 100, 1001, 4000, 8191]) {
      const bytes = maxPlaintextBytes(max);
      expect(envelopeLength(bytes)).toBeLessThanOrEqual(max);
      expect(envelopeLength(bytes + 1)).toBeGreaterThan(max);
    }
    expect(envelopeLength(0)).toBe(43);
  });
});
