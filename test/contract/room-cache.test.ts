import { MemoryRoomCache } from '../../functions/stores/memory/room-cache.js';
import { RedisRoomCache } from '../../functions/stores/redis/room-cache.js';
import { testRedis, uid } from '../support/services.js';
import { roomCacheContract } from './room-cache.contract.js';

roomCacheContract('Redis', async (window) => {
  const redis = testRedis();
  const prefix = `${uid('test')}:`;
  const cache = new RedisRoomCache(redis, { keyPrefix: prefix, window });
  return [
    cache,
    async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  ];
});

roomCacheContract('in-memory stand-in', async (window) => [
  new MemoryRoomCache(window),
  async () => {},
]);
