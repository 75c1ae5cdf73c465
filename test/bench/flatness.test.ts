/** The soak's verdict on a sampled figure: flat, or growing like a leak. */
import { describe, expect, it } from 'vitest';
import { flatness, type Sample } from '../../bench/flatness.js';

const series = (values: number[], every = 10): Sample[] =>
  values.map((value, i) => ({ t: i * every, value }));

describe('flatness', () => {
  it('calls a noisy but level series flat', () => {
    const f = flatness(series([100, 180, 120, 118, 121, 119, 122, 120, 118, 121]), {
      relTolerance: 0.1,
    });
    expect(f.flat).toBe(true);
    // The warm-up spike (180 at 10 s) is left out.
    expect(f.max).toBeLessThan(180);
    expect(f.reason).toBe('');
  });

  it('calls a steady climb a leak, with its rate per hour', () => {
    const f = flatness(series(Array.from({ length: 20 }, (_, i) => 100 + 5 * i)), {
      relTolerance: 0.1,
    });
    expect(f.flat).toBe(false);
    expect(f.growth).toBeGreaterThan(10);
    // 5 per 10 s is 1,800 per hour.
    expect(f.perHour).toBeCloseTo(1_800, 0);
    expect(f.reason).toMatch(/grew by/);
  });

  it('judges by medians: one high sample at the end does not decide', () => {
    const values = [50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 90];
    expect(flatness(series(values), { absTolerance: 1 }).flat).toBe(true);
  });

  it('holds connections to an absolute tolerance, and a fall is no leak', () => {
    expect(
      flatness(series([500, 500, 500, 502, 501, 503, 504, 505, 506, 507]), { absTolerance: 2 })
        .flat,
    ).toBe(false);
    expect(flatness(series([10, 10, 10, 10, 9, 8, 8, 8, 8, 8]), { absTolerance: 1 }).flat).toBe(
      true,
    );
  });

  it('does not judge a run too short to have three samples after the warm-up', () => {
    const f = flatness(series([1, 1]));
    expect(f.flat).toBe(false);
    expect(f.reason).toMatch(/only 1 samples after the warm-up/);
  });
});
