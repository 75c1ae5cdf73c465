/**
 * The RoomCache contract on a Redis server (the run's own, or REDIS_URL's), bare and behind
 * the circuit breaker the runtime wraps it in; then what only Redis shows: its keys.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { RoomCache } from '../../../../functions/core/ports.js';
import {
  CircuitBreaker,
  withCircuitBreaker,
} from '../../../../functions/stores/circuit-breaker.js';
import { RedisRoomCache } from '../../../../functions/stores/redis/room-cache.js';
import { forgetRoom, missVersion } from '../../../support/room-cache.js';
import { deleteKeysUnder, testRedis, uid } from '../../../support/services.js';
import { roomCacheContract } from '../../core/ports/room-cache.contract.js';

const redis = testRedis();
const prefix = `${uid('test')}:`;
const breakerPrefix = `${uid('test')}:`;
afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  await deleteKeysUnder(redis, breakerPrefix);
  redis.disconnect();
});

/** The contract on the run's Redis, under a key prefix of its own, `wrap`ped as given. */
function onRedis(name: string, keyPrefix: string, wrap: (cache: RoomCache) => RoomCache) {
  roomCacheContract(
    name,
    async (window) => [
      wrap(new RedisRoomCache(redis, { keyPrefix, window })),
      async () => {
        await deleteKeysUnder(redis, keyPrefix);
      },
    ],
    async (_cache, roomId) => {
      await forgetRoom(redis, keyPrefix, roomId);
    },
  );
}

onRedis('Redis', prefix, (cache) => cache);
// What the handlers get: every call through the breaker's proxy.
onRedis('Redis behind the circuit breaker', breakerPrefix, (cache) =>
  withCircuitBreaker(cache, new CircuitBreaker({ store: 'Redis' })),
);

describe('Redis room cache keys', () => {
  it("reads a cached room's connections in one script, and the epoch only on a miss", async () => {
    const cache = new RedisRoomCache(redis, { keyPrefix: prefix });
    const room = uid('one-read');
    const a = { connectionId: 'a1', userId: 'a' };
    const call = vi.spyOn(redis, 'call');
    const evalsha = vi.spyOn(redis, 'evalsha');
    try {
      // A miss: the read, then the epoch.
      const version = await missVersion(cache, room);
      expect([call.mock.calls.length, evalsha.mock.calls.length]).toEqual([0, 2]);
      await cache.fillRoomConnections(room, [a], version);
      call.mockClear();
      evalsha.mockClear();
      expect(await cache.roomConnections(room)).toEqual({
        connections: [a],
        joinStamp: expect.any(String),
      });
      expect([call.mock.calls.length, evalsha.mock.calls.length]).toEqual([0, 1]);
    } finally {
      call.mockRestore();
      evalsha.mockRestore();
    }
  });

  it('treats a room whose connection keys were evicted apart as a miss, and drops both', async () => {
    const cache = new RedisRoomCache(redis, { keyPrefix: prefix });
    const room = uid('apart');
    const a = { connectionId: 'a1', userId: 'a' };
    await cache.fillRoomConnections(room, [a], await missVersion(cache, room));
    // allkeys-lru may evict one key of the pair; per-user counts without the connections
    // (or the other way round) would answer presence wrongly, so neither is trusted.
    await redis.del(`${prefix}{r:${room}}:users`);
    expect(
      await cache.addRoomConnection(
        room,
        { connectionId: 'b1', userId: 'b' },
        { onlineMax: 100, othersMax: 100 },
      ),
    ).toBeUndefined();
    expect(await redis.exists(`${prefix}{r:${room}}:conns`)).toBe(0);
    expect((await cache.roomConnections(room)).connections).toBeUndefined();
  });
});
