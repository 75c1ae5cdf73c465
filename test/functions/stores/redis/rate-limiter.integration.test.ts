/**
 * The RateLimiter contract on a Redis server (the run's own, or REDIS_URL's), bare and
 * behind the circuit breaker the runtime wraps it in; then what only Redis shows: its keys.
 */
import { describe, expect, it, vi } from 'vitest';
import { RedisRateLimiter } from '../../../../functions/stores/redis/rate-limiter.js';
import { onRedisBareAndBehindBreaker } from '../../../support/redis-contract-runs.js';
import { testRedis, uid } from '../../../support/services.js';
import { rateLimiterContract } from '../../core/ports/rate-limiter.contract.js';

const { redis, prefix } = onRedisBareAndBehindBreaker(
  rateLimiterContract,
  (client, keyPrefix) => new RedisRateLimiter(client, { keyPrefix }),
);

describe('Redis rate limiter keys', () => {
  it("keeps one user's buckets under the prefix and one hash tag, expiring when full", async () => {
    const limiter = new RedisRateLimiter(redis, { keyPrefix: prefix });
    const user = `${uid('u')}}{x`;
    const evalsha = vi.spyOn(redis, 'evalsha');
    try {
      await limiter.take(user, [
        { key: 'send', rate: 10, burst: 5 },
        { key: 'send:c:conn1', rate: 1, burst: 5 },
      ]);
      // One script for both buckets: one round trip.
      expect(evalsha).toHaveBeenCalledTimes(1);
    } finally {
      evalsha.mockRestore();
    }
    const tag = `{l:${encodeURIComponent(user)}}`;
    const keys = [`${prefix}${tag}:send`, `${prefix}${tag}:send:c:conn1`];
    // A `}` in the user id is encoded, so the tag is the whole user id.
    expect(tag).not.toMatch(/^\{[^}]*\}./);
    const ttls = await Promise.all(keys.map((key) => redis.pttl(key)));
    // Full again one token's interval after the take: 100 ms, then 1000 ms.
    expect(ttls[0]).toBeGreaterThan(0);
    expect(ttls[0]).toBeLessThanOrEqual(100);
    expect(ttls[1]).toBeGreaterThan(100);
    expect(ttls[1]).toBeLessThanOrEqual(1000);
  });

  it('fails (for the caller to fail open) when the client is not connected', async () => {
    const closed = testRedis();
    closed.disconnect();
    const limiter = new RedisRateLimiter(closed, { keyPrefix: prefix });
    await expect(limiter.take('u', [{ key: 'send', rate: 1, burst: 1 }])).rejects.toMatchObject({
      code: 'unavailable',
    });
  });
});
