/**
 * The PresenceCache contract on a Redis server (the run's own, or REDIS_URL's), bare and
 * behind the circuit breaker the runtime wraps it in; then what only Redis shows: one
 * round trip for a room's heartbeats, and keys that expire.
 */
import { describe, expect, it } from 'vitest';
import { RedisPresenceCache } from '../../../../functions/stores/redis/presence-cache.js';
import { onRedisBareAndBehindBreaker } from '../../../support/redis-contract-runs.js';
import { uid } from '../../../support/services.js';
import { presenceCacheContract } from '../../core/ports/presence-cache.contract.js';

const { redis, prefix } = onRedisBareAndBehindBreaker(
  presenceCacheContract,
  (client, keyPrefix) => new RedisPresenceCache(client, { keyPrefix }),
);

describe('Redis presence keys', () => {
  it('keeps every key under the prefix, each with an expiry', async () => {
    const cache = new RedisPresenceCache(redis, { keyPrefix: prefix });
    const user = `${uid('u')}}{x`;
    await cache.touch('conn}1', Date.now());
    await cache.typing(user, 'room', 'start', { now: 1, throttleMs: 2000, expiryMs: 10_000 });
    await cache.putStatus(user, { status: 'away' });
    // A `}` in an id cannot end the hash tag early: ids are URI-encoded inside it.
    const tagged = encodeURIComponent(user);
    const keys = [`${prefix}{h:conn%7D1}`, `${prefix}{t:${tagged}}:room`, `${prefix}{s:${tagged}}`];
    for (const key of keys) expect(await redis.pttl(key)).toBeGreaterThan(0);
  });
});
