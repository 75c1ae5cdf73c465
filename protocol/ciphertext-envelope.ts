/**
 * The content envelope of an end-to-end encrypted room (docs/protocol.md, "End-to-end
 * encrypted rooms (v2)"): `pe1.` + base64url(12-byte IV) + `.` + base64url(AES-256-GCM
 * ciphertext with its 16-byte tag), unpadded. The server checks only this shape; the SDK
 * makes and opens it (client/crypto.ts). Shared so that both agree to the character on
 * what is ciphertext. Pure, no imports (see error-codes.ts).
 */

export const ENVELOPE_PREFIX = 'pe1.';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

/** base64url of 12 bytes: exactly 16 characters, never padded. */
const IV_CHARS = 16;
/** The shortest ciphertext part: the 16-byte tag of an empty plaintext, 22 characters. */
const MIN_SEALED_CHARS = base64urlLength(TAG_BYTES);
const B64URL = /^[A-Za-z0-9_-]+$/;
/**
 * Unpadded base64 of a length that is not a multiple of 3 leaves low bits of its last
 * character unused; canonical encoders write them as zero. Requiring it means one byte
 * string has exactly one envelope (no re-encoding that the server would store as new).
 */
const LAST_OF_TWO = /[AQgw]$/; // 2 chars hold 1 byte: the low 4 bits are zero
const LAST_OF_THREE = /[AEIMQUYcgkosw048]$/; // 3 chars hold 2 bytes: the low 2 bits are zero

/** Characters of unpadded base64url for `bytes` bytes. */
export function base64urlLength(bytes: number): number {
  return Math.ceil((bytes * 4) / 3);
}

/** Whether `part` is canonical unpadded base64url (any length but 4k+1). */
function isBase64url(part: string): boolean {
  if (!B64URL.test(part)) return false;
  const rest = part.length % 4;
  if (rest === 1) return false;
  if (rest === 2) return LAST_OF_TWO.test(part);
  if (rest === 3) return LAST_OF_THREE.test(part);
  return true;
}

/**
 * Whether `content` is an envelope: the prefix, a 16-character IV, a ciphertext part of at
 * least 16 bytes (the tag), both canonical unpadded base64url. It says nothing of whether
 * any key opens it.
 */
export function isCiphertext(content: string): boolean {
  if (!content.startsWith(ENVELOPE_PREFIX)) return false;
  const dot = ENVELOPE_PREFIX.length + IV_CHARS;
  if (content.charAt(dot) !== '.') return false;
  const iv = content.slice(ENVELOPE_PREFIX.length, dot);
  const sealed = content.slice(dot + 1);
  return sealed.length >= MIN_SEALED_CHARS && isBase64url(iv) && isBase64url(sealed);
}

/** Characters of the envelope of a plaintext of `plaintextBytes` UTF-8 bytes. */
export function envelopeLength(plaintextBytes: number): number {
  return ENVELOPE_PREFIX.length + IV_CHARS + 1 + base64urlLength(plaintextBytes + TAG_BYTES);
}

/**
 * The most UTF-8 bytes of plaintext whose envelope fits `maxChars` characters of content
 * (2,968 for the default `MAX_MESSAGE_CHARS` of 4,000).
 */
export function maxPlaintextBytes(maxChars: number): number {
  const sealedChars = maxChars - ENVELOPE_PREFIX.length - IV_CHARS - 1;
  return Math.max(0, Math.floor((sealedChars * 3) / 4) - TAG_BYTES);
}
