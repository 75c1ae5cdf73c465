import { describe, expect, it } from 'vitest';
import {
  BILLING_UNIT_BYTES,
  billedUnits,
  CHAT_MIX,
  frameSizes,
  mixTotals,
  text,
} from '../../bench/compact-sizes.js';

describe('compact frame sizes', () => {
  it('bills API Gateway messages in 32 KB units, at least one', () => {
    expect(billedUnits(0)).toBe(1);
    expect(billedUnits(BILLING_UNIT_BYTES)).toBe(1);
    expect(billedUnits(33 * 1024)).toBe(2);
    expect(billedUnits(3 * BILLING_UNIT_BYTES + 1)).toBe(4);
  });

  it('makes text of the length asked', () => {
    expect(text(100)).toHaveLength(100);
    expect(text(1000, 7)).toHaveLength(1000);
  });

  it('measures every frame smaller in compact form, and totals a mix', () => {
    const sizes = frameSizes();
    for (const size of sizes) expect(size.compact).toBeLessThan(size.long);
    const totals = mixTotals(sizes, CHAT_MIX);
    expect(totals.frames).toBe(1000);
    expect(totals.compactBytes).toBeLessThan(totals.longBytes);
    expect(totals.compactUnits).toBeLessThanOrEqual(totals.longUnits);
    expect(() => mixTotals(sizes, { nothing: 1 })).toThrow(/no frame named nothing/);
  });
});
