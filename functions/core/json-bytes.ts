/**
 * The size in bytes of a value's JSON as `JSON.stringify` writes it and UTF-8 encodes it,
 * counted without building the string. A reply is serialised once, when it is sent; sizing
 * a history page to fit API Gateway's 128 KB only has to walk its strings, not serialise
 * every message a second time (docs/decisions/2026-12-06-reply-size.md has the figures).
 */

/** Control characters JSON.stringify writes in two bytes: \b \t \n \f \r. */
const SHORT_ESCAPES = new Set([8, 9, 10, 12, 13]);

/** Anything but printable ASCII other than `"` and `\`. */
const NOT_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

/** Bytes of a string as a JSON string literal: the quotes, escapes and UTF-8. */
export function jsonStringBytes(text: string): number {
  // Plain ASCII, nothing to escape (most chat text): one native scan instead of the loop.
  if (!NOT_PLAIN.test(text)) return text.length + 2;
  let bytes = 2;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code < 0x80) {
      bytes += code === 0x22 || code === 0x5c ? 2 : 1; // " and \ are escaped
    } else if (code < 0x20) {
      bytes += SHORT_ESCAPES.has(code) ? 2 : 6; // \n and friends, else \u00XX
    } else if (code < 0x800) {
      bytes += 2;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4; // a surrogate pair: one code point, 4 bytes of UTF-8
        i++;
      } else {
        bytes += 6; // a lone surrogate: JSON.stringify writes it as \uXXXX
      }
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * `Buffer.byteLength(JSON.stringify(value))`, for the values replies are made of: plain
 * objects, arrays, strings, finite numbers, booleans, null, and objects with `toJSON`.
 */
export function jsonBytes(value: unknown): number {
  if (typeof value === 'string') return jsonStringBytes(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value).length : 4;
  if (typeof value === 'boolean') return value ? 4 : 5;
  if (typeof value === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
  if (value === null || typeof value !== 'object') return 4; // null (top-level undefined too)
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') {
    return jsonBytes((withToJson.toJSON as (key: string) => unknown).call(value, ''));
  }
  if (Array.isArray(value)) {
    let bytes = 2 + Math.max(0, value.length - 1); // brackets and commas
    for (const item of value) bytes += isSkipped(item) ? 4 : jsonBytes(item);
    return bytes;
  }
  let bytes = 2;
  let fields = 0;
  for (const key of Object.keys(value)) {
    const field = (value as Record<string, unknown>)[key];
    if (isSkipped(field)) continue;
    bytes += jsonStringBytes(key) + 1 + jsonBytes(field); // "key": value
    fields++;
  }
  return bytes + Math.max(0, fields - 1);
}
