import { afterAll } from 'vitest';
import { MemoryRoomCache } from '../../functions/stores/memory/room-cache.js';
import { RedisRoomCache } from '../../functions/stores/redis/room-cache.js';
import { testRedis, uid } from '../support/services.js';
import { roomCacheContract } from './room-cache.contract.js';

const redis = testRedis();
const prefix = `${uid('test')}:`;
afterAll(() => redis.disconnect());

async function deleteKeys(pattern: string): Promise<void> {
  const keys = await redis.keys(pattern);
  if (keys.length) await redis.del(...keys);
}

roomCacheContract(
  'Redis',
  async (window) => [
    new RedisRoomCache(redis, { keyPrefix: prefix, window }),
    () => deleteKeys(`${prefix}*`),
  ],
  (_cache, roomId) => deleteKeys(`${prefix}{r:${roomId}}:*`),
);

roomCacheContract(
  'in-memory stand-in',
  async (window) => [new MemoryRoomCache(window), async () => {}],
  async (cache) => (cache as MemoryRoomCache).flush(),
);
