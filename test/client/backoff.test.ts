import { describe, expect, it } from 'vitest';
import { Backoff } from '../../client/backoff.js';

describe('Backoff (exponential, full jitter)', () => {
  it('grows the cap by the factor per attempt up to the maximum', () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 1000, factor: 2 }, () => 0.5);
    const caps: number[] = [];
    for (let i = 0; i < 6; i++) {
      caps.push(backoff.cap());
      backoff.next();
    }
    expect(caps).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('draws each delay uniformly below the cap: random 0 gives 0, random just under 1 just under the cap', () => {
    const draws = [0, 0.999_999, 0.5, 0.25];
    const backoff = new Backoff({ initialDelayMs: 1000, maxDelayMs: 60_000, factor: 3 }, () => {
      const next = draws.shift();
      if (next === undefined) throw new Error('no more draws');
      return next;
    });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([
      0, // cap 1000
      2999, // cap 3000
      4500, // cap 9000
      6750, // cap 27000
    ]);
  });

  it('never exceeds the cap whatever the draw', () => {
    let r = 0;
    const backoff = new Backoff({ initialDelayMs: 10, maxDelayMs: 500, factor: 2 }, () => {
      r = (r + 0.137) % 1;
      return r;
    });
    for (let i = 0; i < 50; i++) {
      const cap = backoff.cap();
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(cap);
    }
  });

  it('starts over after reset()', () => {
    const backoff = new Backoff({ initialDelayMs: 100, maxDelayMs: 10_000, factor: 2 }, () => 0.5);
    backoff.next();
    backoff.next();
    expect(backoff.cap()).toBe(400);
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });

  it('uses the documented defaults: 250 ms, x2, 15 s', () => {
    const backoff = new Backoff({}, () => 0.5);
    const caps: number[] = [];
    for (let i = 0; i < 8; i++) {
      caps.push(backoff.cap());
      backoff.next();
    }
    expect(caps).toEqual([250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
  });
});
