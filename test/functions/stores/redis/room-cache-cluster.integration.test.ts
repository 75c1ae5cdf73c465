/**
 * ElastiCache Serverless is cluster-mode only: the RoomCache contract on a cluster of the
 * test's own (redis-server processes), through the client the handlers build.
 */
import { readConfig } from '../../../../functions/runtime/config.js';
import { createRedis } from '../../../../functions/runtime/deps.js';
import { REDIS_TIMEOUT_MS } from '../../../../functions/stores/redis/client-options.js';
import { firstConnection } from '../../../../functions/stores/redis/first-connection.js';
import { RedisRoomCache } from '../../../../functions/stores/redis/room-cache.js';
import type { RedisClient } from '../../../../functions/stores/redis/scripts.js';
import { startRedisCluster } from '../../../support/redis-servers.js';
import { forgetRoom } from '../../../support/room-cache.js';
import { uid } from '../../../support/services.js';
import { roomCacheContract } from '../../core/ports/room-cache.contract.js';

const prefix = `${uid('test')}:`;

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
    await forgetRoom(cluster!, prefix, roomId);
  },
);
