/**
 * The world the store-work tests count in: the fakes, with the real PostgreSQL stores
 * (through a counting pool) and the real Redis adapters on one auto-pipelining client, so
 * that the socket writes of that client during a request are its Redis round trips (see
 * send-round-trips.integration.test.ts).
 */
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { countingPool } from '../../bench/counting-pool.js';
import { mapLimit } from '../../bench/map-limit.js';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import type { Caller } from '../../functions/core/message.js';
import { PostgresMessageStore } from '../../functions/stores/postgres/message-store.js';
import { PostgresRoomStore } from '../../functions/stores/postgres/room-store.js';
import { REDIS_CLIENT_OPTIONS } from '../../functions/stores/redis/client-options.js';
import { firstConnection } from '../../functions/stores/redis/first-connection.js';
import { RedisPresenceCache } from '../../functions/stores/redis/presence-cache.js';
import { RedisRateLimiter } from '../../functions/stores/redis/rate-limiter.js';
import { RedisRoomCache } from '../../functions/stores/redis/room-cache.js';
import { newConnectionId } from './events.js';
import { type FakeWorld, fakeWorld } from './fakes.js';
import { deleteKeysUnder, testPool, testRedisUrl, uid } from './services.js';

/**
 * The file's Redis client (the runtime's options: auto-pipelining) and PostgreSQL pool,
 * ready before its tests and closed after, its keys under a prefix of its own.
 */
export function storeWorkServices(label: string) {
  const prefix = `${uid(label)}:`;
  const redis = new Redis(testRedisUrl(), REDIS_CLIENT_OPTIONS);
  let pool: pg.Pool | undefined;
  beforeAll(async () => {
    expect(await firstConnection(redis, 5_000)).toBe(true);
    pool = testPool();
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    await pool?.end();
  });
  return {
    redis,
    prefix,
    world: () => {
      if (!pool) throw new Error('storeWorkServices: used before its beforeAll ran');
      return storeWorkWorld(pool, redis, prefix);
    },
  };
}

/** A new room joined by `size` connections of as many users; the first is the caller. */
export async function filledRoom(world: FakeWorld, size: number) {
  const roomId = uid('room');
  const members: Caller[] = Array.from({ length: size }, (_, i) => ({
    connectionId: newConnectionId(),
    userId: `${roomId}-u${i}`,
  }));
  await mapLimit(members, 20, (caller) => joinRoom(world.deps, caller, { roomId }, async () => {}));
  return { roomId, members, first: members[0] as Caller };
}

export function storeWorkWorld(pool: pg.Pool, redis: Redis, keyPrefix: string) {
  const world: FakeWorld = fakeWorld();
  const counted = countingPool(pool);
  world.deps.messages = new PostgresMessageStore(counted.pool);
  world.deps.rooms = new PostgresRoomStore(counted.pool);
  world.deps.cache = new RedisRoomCache(redis, { keyPrefix });
  world.deps.limiter = new RedisRateLimiter(redis, { keyPrefix });
  // The heartbeat every frame notes rides the same round trip as the rate limit.
  world.deps.presence = new RedisPresenceCache(redis, { keyPrefix });
  return { world, counted };
}

/** Counts `redis`'s socket writes from now on; `restore()` when done. */
export function spyOnWrites(redis: Redis) {
  return vi.spyOn(redis.stream as { write: (...args: unknown[]) => boolean }, 'write');
}
