/**
 * Compact frames both ways, with the one table in compact-keys.ts: the server encodes, the
 * SDK decodes. Only keys change (and the frame's own `type` value); every value is kept as
 * it is, and so are the keys inside a map (`MAP_KEYS`). A key the table does not hold
 * passes unchanged both ways: a test proves every key of every server frame is in it, so
 * this only lets an older SDK read a newer server's additions in their long form.
 */
import { COMPACT_KEYS, COMPACT_TYPES, LONG_KEYS, LONG_TYPES, MAP_KEYS } from './compact-keys.js';

type Json = unknown;

/**
 * How a connection gets its frames: `long` (the default) or `compact`, as it asked with
 * `?format=` at its handshake.
 */
export type FrameFormat = 'long' | 'compact';

/** The format a handshake's `format` query parameter asks for; anything else is `long`. */
export function frameFormatOf(query: string | undefined): FrameFormat {
  return query === 'compact' ? 'compact' : 'long';
}

const shortKeys: ReadonlyMap<string, string> = new Map(Object.entries(COMPACT_KEYS));
const shortTypes: ReadonlyMap<string, string> = new Map(Object.entries(COMPACT_TYPES));
const longMapKeys: ReadonlySet<string> = new Set([...MAP_KEYS].map((k) => shortKeys.get(k) ?? k));

interface Direction {
  keys: ReadonlyMap<string, string>;
  types: ReadonlyMap<string, string>;
  /** Map keys as the input names them. */
  maps: ReadonlySet<string>;
  /** The `type` key as the input names it. */
  typeKey: string;
}

const ENCODE: Direction = { keys: shortKeys, types: shortTypes, maps: MAP_KEYS, typeKey: 'type' };
const DECODE: Direction = {
  keys: LONG_KEYS,
  types: LONG_TYPES,
  maps: longMapKeys,
  typeKey: COMPACT_KEYS.type,
};

/** A server frame with short keys and a short `type` (the frame is not changed). */
export function encodeCompact<F extends object>(frame: F): Record<string, Json> {
  return walkObject(frame as Record<string, Json>, ENCODE, true);
}

/** The long form of a compact frame (as `JSON.parse` gave it). */
export function decodeCompact(frame: Record<string, Json>): Record<string, Json> {
  return walkObject(frame, DECODE, true);
}

function walk(value: Json, direction: Direction): Json {
  if (Array.isArray(value)) return value.map((item) => walk(item, direction));
  if (value !== null && typeof value === 'object') {
    return walkObject(value as Record<string, Json>, direction, false);
  }
  return value;
}

function walkObject(
  object: Record<string, Json>,
  direction: Direction,
  top: boolean,
): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const key in object) {
    if (!Object.hasOwn(object, key) || key === '__proto__') continue;
    const value = object[key];
    if (value === undefined) continue;
    const renamed = direction.keys.get(key) ?? key;
    if (direction.maps.has(key)) out[renamed] = value;
    else if (top && key === direction.typeKey && typeof value === 'string') {
      out[renamed] = direction.types.get(value) ?? value;
    } else out[renamed] = walk(value, direction);
  }
  return out;
}
