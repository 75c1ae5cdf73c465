/**
 * A UUIDv7 (RFC 9562) in canonical form: 48 bits of Unix milliseconds, then random bits.
 * Shared by the SDK (default `clientMsgId`s) and the PostgreSQL adapter (message ids), so
 * it uses only what browsers and Node both have.
 *
 * Why time-ordered: PostgreSQL keeps both kinds of id unique in B-tree indexes, and random
 * keys land on a random leaf page each, which after every checkpoint costs a full-page
 * image in the write-ahead log (docs/decisions/2026-12-06-send-path-costs.md). Ids that
 * grow with time keep inserts on the index's newest page.
 *
 * `getRandomValues` works where `randomUUID` does not (pages served over plain http).
 */
export function uuidV7(
  now: number = Date.now(),
  bytes: Uint8Array = globalThis.crypto.getRandomValues(new Uint8Array(16)),
): string {
  // `bytes`: 16 random bytes, overwritten here (the server passes them from a pool).
  // 48-bit big-endian milliseconds: 2 ** 32 splits it without BigInt.
  const high = Math.floor(now / 2 ** 32);
  const low = now >>> 0;
  bytes[0] = (high >>> 8) & 0xff;
  bytes[1] = high & 0xff;
  bytes[2] = (low >>> 24) & 0xff;
  bytes[3] = (low >>> 16) & 0xff;
  bytes[4] = (low >>> 8) & 0xff;
  bytes[5] = low & 0xff;
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  let hex = '';
  for (const byte of bytes) hex += HEX[byte];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
