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
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<Json>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = walk(value[i], direction);
    return out;
  }
  return walkObject(value as Record<string, Json>, direction, false);
}

function walkObject(
  object: Record<string, Json>,
  direction: Direction,
  top: boolean,
): Record<string, Json> {
  const out: Record<string, Json> = {};
  const keys = Object.keys(object);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = object[key];
    if (value === undefined || key === '__proto__') continue;
    const renamed = direction.keys.get(key) ?? key;
    if (typeof value !== 'object' || value === null) {
      out[renamed] =
        top && key === direction.typeKey && typeof value === 'string'
          ? (direction.types.get(value) ?? value)
          : value;
    } else out[renamed] = direction.maps.has(key) ? value : walk(value, direction);
  }
  return out;
}
