/**
 * The RateLimiter contract on the in-process stand-in (PARLEY_CACHE=memory, and the fakes'
 * limiter), then its buckets on a clock of the test's own.
 */
import { describe, expect, it } from 'vitest';
import { MemoryRateLimiter } from '../../../../functions/stores/memory/rate-limiter.js';
import { rateLimiterContract } from '../../core/ports/rate-limiter.contract.js';

rateLimiterContract('in-memory stand-in', async () => [new MemoryRateLimiter(), async () => {}]);

describe('MemoryRateLimiter on its own clock', () => {
  it('refills at the rate, up to the burst and no further', async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    const bucket = { key: 'send', rate: 2, burst: 4 };
    for (let i = 0; i < 4; i++) expect((await limiter.take('u', [bucket])).ok).toBe(true);
    expect(await limiter.take('u', [bucket])).toEqual({ ok: false, retryAfterMs: 500 });
    now += 499;
    expect(await limiter.take('u', [bucket])).toEqual({ ok: false, retryAfterMs: 1 });
    now += 1;
    expect((await limiter.take('u', [bucket])).ok).toBe(true);
    // An hour idle fills the bucket to its burst, not to 7,200 tokens.
    now += 3_600_000;
    for (let i = 0; i < 4; i++) expect((await limiter.take('u', [bucket])).ok).toBe(true);
    expect((await limiter.take('u', [bucket])).ok).toBe(false);
  });

  it('pays a burst of thirds exactly: floating-point sums do not refuse the last token', async () => {
    const limiter = new MemoryRateLimiter(() => 1_733_500_000_000);
    const bucket = { key: 'k', rate: 3, burst: 3 };
    for (let i = 0; i < 3; i++) expect((await limiter.take('u', [bucket])).ok).toBe(true);
    expect(await limiter.take('u', [bucket])).toEqual({ ok: false, retryAfterMs: 334 });
  });
});
