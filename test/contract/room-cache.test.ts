import { afterAll, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../../functions/runtime/config.js';
import { createRedis } from '../../functions/runtime/deps.js';
import { MemoryRoomCache } from '../../functions/stores/memory/room-cache.js';
import { REDIS_TIMEOUT_MS } from '../../functions/stores/redis/client-options.js';
import { firstConnection } from '../../functions/stores/redis/first-connection.js';
import { RedisRoomCache } from '../../functions/stores/redis/room-cache.js';
import type { RedisClient } from '../../functions/stores/redis/scripts.js';
import { startRedisCluster } from '../support/redis-servers.js';
import { missVersion } from '../support/room-cache.js';
import { testRedis, uid } from '../support/services.js';
import { roomCacheContract } from './room-cache.contract.js';

const redis = testRedis();
const prefix = `${uid('test')}:`;
afterAll(() => redis.disconnect());

async function deleteKeys(pattern: string): Promise<void> {
  const keys = await redis.keys(pattern);
  if (keys.length) await redis.del(...keys);
}

/** Every key of one room (they share a slot, so one DEL works on a cluster too). */
function forgetRoom(client: RedisClient, roomId: string): Promise<number> {
  const parts = ['conns', 'users', 'ver', 'recent', 'floor'];
  return client.del(...parts.map((part) => `${prefix}{r:${roomId}}:${part}`));
}

roomCacheContract(
  'Redis',
  async (window) => [
    new RedisRoomCache(redis, { keyPrefix: prefix, window }),
    () => deleteKeys(`${prefix}*`),
  ],
  async (_cache, roomId) => {
    await forgetRoom(redis, roomId);
  },
);

// ElastiCache Serverless is cluster-mode only: the same contract on a cluster of the
// suite's own, through the client the handlers build.
let cluster: RedisClient | undefined;
roomCacheContract(
  'Redis Cluster',
  async (window) => {
    const servers = await startRedisCluster();
    const client = createRedis(
      readConfig({ DATABASE_URL: 'postgres://x', REDIS_URL: servers.url, REDIS_CLUSTER: 'true' }),
    );
    cluster = client;
    const cleanup = async () => {
      client.disconnect();
      await servers.stop();
    };
    if (!(await firstConnection(client, REDIS_TIMEOUT_MS))) {
      await cleanup();
      throw new Error('the test cluster did not accept a connection');
    }
    return [new RedisRoomCache(client, { keyPrefix: prefix, window }), cleanup];
  },
  async (_cache, roomId) => {
    await forgetRoom(cluster!, roomId);
  },
);

roomCacheContract(
  'in-memory stand-in',
  async (window) => [new MemoryRoomCache(window), async () => {}],
  async (cache) => (cache as MemoryRoomCache).flush(),
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
