import { describe, expect, it } from 'vitest';
import { randomSlice } from '../../../functions/shared/entropy.js';
import { uuidV7 } from '../../../functions/shared/uuid-v7.js';

describe('pooled entropy', () => {
  it('never hands out the same bytes twice, across refills of the pool', () => {
    // 16-byte slices: 1,000 of them cross the 4 KB pool several times.
    const seen = new Set(Array.from({ length: 1000 }, () => randomSlice(16).toString('hex')));
    expect(seen.size).toBe(1000);
  });

  it('makes distinct, well-formed UUIDv7s from pooled bytes', () => {
    const now = Date.now();
    const ids = Array.from({ length: 1000 }, () => uuidV7(now, randomSlice(16)));
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
