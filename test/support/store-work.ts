/**
 * What the store-work tests share: a fake world whose PostgreSQL and Redis stores are the
 * real adapters, and a count of the store work one call does: statements through a
 * counting pool (bench/counting-pool.ts), Redis round trips as the socket writes of the one
 * auto-pipelining client (see send-round-trips.integration.test.ts for why a write is a
 * round trip). Counted, not timed.
 */
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import { countingPool } from '../../bench/counting-pool.js';
import { mapLimit } from '../../bench/map-limit.js';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import type { ChatLimits } from '../../functions/core/limits.js';
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
import { deleteKeysUnder, testPool, uid } from './services.js';

export interface StoreWork {
  statements: number;
  redisRoundTrips: number;
}

export interface StoreWorkWorld {
  world: FakeWorld;
  /** Runs `call` and counts the store work it did. */
  count(call: () => Promise<unknown>): Promise<StoreWork>;
}

/**
 * Opens the test file's PostgreSQL pool and a Redis client of `redisUrl` (closed, and its
 * keys deleted, after the file) and returns a maker of worlds over them. The caller passes
 * `testRedisUrl()`, so that the test plan (redis-plan.ts) sees the file needs a Redis.
 */
export function storeWorkWorlds(
  redisUrl: string,
): (limits?: Partial<ChatLimits>) => StoreWorkWorld {
  const prefix = `${uid('work')}:`;
  const redis = new Redis(redisUrl, REDIS_CLIENT_OPTIONS);
  let pool: pg.Pool;
  beforeAll(async () => {
    expect(await firstConnection(redis, 5_000)).toBe(true);
    pool = testPool();
  });
  afterAll(async () => {
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    await pool.end();
  });
  return (limits = {}) => {
    const world = fakeWorld(limits);
    const counted = countingPool(pool);
    world.deps.messages = new PostgresMessageStore(counted.pool);
    world.deps.rooms = new PostgresRoomStore(counted.pool);
    world.deps.cache = new RedisRoomCache(redis, { keyPrefix: prefix });
    world.deps.limiter = new RedisRateLimiter(redis, { keyPrefix: prefix });
    // The heartbeat every frame notes rides the same round trip as the rate limit.
    world.deps.presence = new RedisPresenceCache(redis, { keyPrefix: prefix });
    const stream = redis.stream as { write: (...args: unknown[]) => boolean };
    return {
      world,
      async count(call) {
        const write = vi.spyOn(stream, 'write');
        counted.reset();
        try {
          await call();
          return { statements: counted.count(), redisRoundTrips: write.mock.calls.length };
        } finally {
          write.mockRestore();
        }
      },
    };
  };
}

/** A new room joined by `size` connections of as many users; the first is the caller. */
export async function filledRoom(
  world: FakeWorld,
  size: number,
  options: { compactEveryOther?: boolean } = {},
) {
  const roomId = uid('room');
  const members: Caller[] = Array.from({ length: size }, (_, i) => ({
    connectionId: newConnectionId(),
    userId: `${roomId}-u${i}`,
    // Odd members read compact frames: the first (the usual sender) stays long.
    ...(options.compactEveryOther && i % 2 === 1 ? { format: 'compact' as const } : {}),
  }));
  await mapLimit(members, 20, (caller) => joinRoom(world.deps, caller, { roomId }, async () => {}));
  return { roomId, members, first: members[0] as Caller };
}
