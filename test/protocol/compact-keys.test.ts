/**
 * The published key table covers every key of every server frame, with short keys that
 * never collide, and compact frames decode to exactly the frame that was encoded.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ServerFrame } from '../../functions/core/server-frames.js';
import { decodeCompact, encodeCompact, frameFormatOf } from '../../protocol/compact-codec.js';
import {
  COMPACT_KEYS,
  COMPACT_TYPES,
  LONG_KEYS,
  LONG_TYPES,
  type LongKey,
  MAP_KEYS,
} from '../../protocol/compact-keys.js';
import { compactTableMarkdown } from '../../protocol/compact-table.js';
import { SAMPLES } from '../support/server-frame-samples.js';

/** Keys whose value is a map of data (the type of `MAP_KEYS`'s entries). */
type MapKey = 'headers';

/** Every property name of T and of the objects inside it, maps' own keys left out. */
type DeepKeys<T> = T extends readonly (infer E)[]
  ? DeepKeys<E>
  : T extends object
    ? {
        [K in keyof T & string]-?: K | (K extends MapKey ? never : DeepKeys<NonNullable<T[K]>>);
      }[keyof T & string]
    : never;

// Compile-time proofs, checked by `npm run typecheck`: a frame key missing from the table,
// a table key no frame has, or a frame type without a short form fails the build.
const everyKeyHasAShortForm: [Exclude<DeepKeys<ServerFrame>, LongKey>] extends [never]
  ? true
  : false = true;
const noKeyIsUnused: [Exclude<LongKey, DeepKeys<ServerFrame>>] extends [never] ? true : false =
  true;
const everyTypeHasAShortForm: [
  Exclude<ServerFrame['type'], keyof typeof COMPACT_TYPES>,
  Exclude<keyof typeof COMPACT_TYPES, ServerFrame['type']>,
] extends [never, never]
  ? true
  : false = true;

const frames = Object.values(SAMPLES) as ServerFrame[];

/** Every key of a JSON value, maps' own keys left out (named as `maps` names them). */
function keysOf(value: unknown, maps: ReadonlySet<string>, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, maps, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      into.add(key);
      if (!maps.has(key)) keysOf(inner, maps, into);
    }
  }
  return into;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

describe('the compact key table', () => {
  it('is proved complete at compile time', () => {
    expect([everyKeyHasAShortForm, noKeyIsUnused, everyTypeHasAShortForm]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it.each([
    ['key', COMPACT_KEYS, LONG_KEYS],
    ['frame type', COMPACT_TYPES, LONG_TYPES],
  ] as const)(
    'gives every %s a short form of 1 or 2 letters, none twice, none long',
    (_, table, inverse) => {
      const shorts = Object.values(table);
      for (const short of shorts) expect(short).toMatch(/^[A-Za-z]{1,2}$/);
      expect(new Set(shorts).size).toBe(shorts.length);
      for (const [long, short] of Object.entries(table)) expect(inverse.get(short)).toBe(long);
      // No short form is also a long one, so the two forms cannot be confused.
      for (const short of shorts) expect(short in table).toBe(false);
    },
  );

  it('has a sample of every frame type, and the samples use every key of the table', () => {
    expect(new Set(frames.map((f) => f.type))).toEqual(new Set(Object.keys(COMPACT_TYPES)));
    const used = new Set<string>();
    for (const frame of frames) keysOf(frame, MAP_KEYS, used);
    expect([...used].sort()).toEqual(Object.keys(COMPACT_KEYS).sort());
  });
});

describe('compact frames', () => {
  it.each(frames.map((f) => [f.type, f] as const))(
    '%s: decodes to the frame encoded',
    (_, frame) => {
      const wire = JSON.stringify(encodeCompact(frame));
      expect(decodeCompact(JSON.parse(wire))).toEqual(frame);
    },
  );

  it.each(frames.map((f) => [f.type, f] as const))(
    '%s: only short keys, never longer',
    (_, frame) => {
      const compact = encodeCompact(frame);
      const shortMaps = new Set([...MAP_KEYS].map((k) => COMPACT_KEYS[k as LongKey]));
      for (const key of keysOf(compact, shortMaps)) expect(LONG_KEYS.has(key)).toBe(true);
      expect(compact[COMPACT_KEYS.type]).toBe(COMPACT_TYPES[frame.type]);
      // The 128 KB budget is computed on the long form: compact must never be longer.
      expect(bytes(compact)).toBeLessThan(bytes(frame));
    },
  );

  it('keeps the keys of a map (upload headers) and every value as they are', () => {
    const compact = encodeCompact(SAMPLES.upload);
    expect(compact[COMPACT_KEYS.headers]).toEqual(SAMPLES.upload.headers);
    expect(compact[COMPACT_KEYS.url]).toBe(SAMPLES.upload.url);
    const error = encodeCompact(SAMPLES.error);
    expect(error[COMPACT_KEYS.code]).toBe('rate_limited');
  });

  it('leaves a key the table does not know as it was, both ways', () => {
    const future = { type: 'pong', requestId: 'q', addedLater: 1 };
    expect(encodeCompact(future)).toEqual({ t: 'po', q: 'q', addedLater: 1 });
    expect(decodeCompact({ t: 'zz', q: 'q', addedLater: 1 })).toEqual({
      type: 'zz',
      requestId: 'q',
      addedLater: 1,
    });
  });

  it('reads the handshake format leniently: only `compact` is compact', () => {
    expect(frameFormatOf('compact')).toBe('compact');
    expect(frameFormatOf(undefined)).toBe('long');
    expect(frameFormatOf('long')).toBe('long');
    expect(frameFormatOf('Compact')).toBe('long');
  });
});

describe('docs/protocol.md', () => {
  it('shows the key tables exactly as the code has them', () => {
    const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const section = doc.split('\n## Compact frames (v2)\n')[1]?.split('\n## ')[0] ?? '';
    // Regenerate with `npx tsx local/compact-table-cli.ts`.
    expect(section).toContain(compactTableMarkdown());
  });
});
