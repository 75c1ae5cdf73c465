/**
 * An in-process stand-in for the Redis rate limiter (PARLEY_CACHE=memory, the fakes):
 * the same token buckets, kept as the Redis one keeps them (see
 * stores/redis/rate-limiter.ts): each bucket is the time at which it will be full again
 * (its "theoretical arrival time"), so one number per bucket and no timer.
 */
import type { RateCharge, RateDecision, RateLimiter } from '../../core/ports.js';

/** Buckets kept before full ones are swept: a sweep is O(buckets), so not on every call. */
const SWEEP_AT = 10_000;

/**
 * A wait shorter than this is floating-point noise (a bucket of 3 a second paid three
 * times over sums thirds), not an empty bucket. The Redis script uses the same.
 */
export const RATE_EPSILON_MS = 0.01;

export class MemoryRateLimiter implements RateLimiter {
  /** `scope \n key` -> when the bucket is full again (ms on `now`'s clock). */
  private readonly fullAt = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(scope: string, charges: readonly RateCharge[]): Promise<RateDecision> {
    const now = this.now();
    let waitMs = 0;
    const next: [string, number][] = [];
    for (const { key, rate, burst } of charges) {
      const id = `${scope}\n${key}`;
      const interval = 1000 / rate;
      const after = Math.max(this.fullAt.get(id) ?? now, now) + interval;
      // Paying is allowed while the bucket holds a token: it is full again at most `burst`
      // intervals from now.
      waitMs = Math.max(waitMs, after - burst * interval - now);
      next.push([id, after]);
    }
    if (waitMs > RATE_EPSILON_MS)
      return { ok: false, retryAfterMs: Math.max(1, Math.ceil(waitMs)) };
    if (this.fullAt.size >= SWEEP_AT) this.sweep(now);
    for (const [id, after] of next) this.fullAt.set(id, after);
    return { ok: true };
  }

  /** Drops buckets that are full again: a missing bucket is a full one. */
  private sweep(now: number): void {
    for (const [id, at] of this.fullAt) if (at <= now) this.fullAt.delete(id);
  }
}
