import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../client/ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId', () => {
  it('is a canonical UUIDv7 carrying the given milliseconds', () => {
    const now = Date.UTC(2026, 10, 26, 6, 0, 0, 123);
    const id = timeOrderedId(now);
    expect(id).toMatch(UUID_V7);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(now);
  });

  it('sorts by time as a string, across the 32-bit boundary of the milliseconds', () => {
    const times = [2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, Date.now(), Date.now() + 1];
    const ids = times.map((t) => timeOrderedId(t));
    const sorted = [...ids].sort();
    expect(sorted).toEqual(
      [...ids].sort((a, b) => times[ids.indexOf(a)]! - times[ids.indexOf(b)]!),
    );
  });

  it('differs between calls in the same millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedId(now)));
    expect(ids.size).toBe(1000);
  });
});
