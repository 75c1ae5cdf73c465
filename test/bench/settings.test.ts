import { describe, expect, it } from 'vitest';
import { positiveIntegerSetting } from '../../bench/settings.js';

describe('positiveIntegerSetting', () => {
  it('takes the fallback when unset or empty', () => {
    expect(positiveIntegerSetting('BENCH_ROUNDS', undefined, 3)).toBe(3);
    expect(positiveIntegerSetting('BENCH_ROUNDS', '', 3)).toBe(3);
  });

  it('reads a positive integer', () => {
    expect(positiveIntegerSetting('BENCH_STEADY_RATE', '500', 1_000)).toBe(500);
  });

  it('refuses anything else, naming the setting', () => {
    for (const raw of ['0', '-2', '1.5', 'five', '1e999']) {
      expect(() => positiveIntegerSetting('BENCH_STEADY_RATE', raw, 1_000)).toThrow(
        /BENCH_STEADY_RATE must be a positive integer/,
      );
    }
  });
});
