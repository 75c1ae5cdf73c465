/**
 * What one `typing` frame costs the stores through the real shell (makePresenceHandler)
 * on real Redis adapters: one Redis round trip (the rate limit's take, the heartbeat, the
 * room's connections and the throttle leave in one auto-pipelined write) and no
 * PostgreSQL statement, in a room of 2 and of 100. Counted as send-store-work counts.
 */
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { countingPool } from '../../../bench/counting-pool.js';
import { mapLimit } from '../../../bench/map-limit.js';
import { joinRoom } from '../../../functions/core/actions/join-room.js';
import { makePresenceHandler } from '../../../functions/presence.js';
import { logger } from '../../../functions/runtime/logger.js';
import { PostgresMessageStore } from '../../../functions/stores/postgres/message-store.js';
import { PostgresRoomStore } from '../../../functions/stores/postgres/room-store.js';
import { REDIS_CLIENT_OPTIONS } from '../../../functions/stores/redis/client-options.js';
import { firstConnection } from '../../../functions/stores/redis/first-connection.js';
import { RedisPresenceCache } from '../../../functions/stores/redis/presence-cache.js';
import { RedisRateLimiter } from '../../../functions/stores/redis/rate-limiter.js';
import { RedisRoomCache } from '../../../functions/stores/redis/room-cache.js';
import { lambdaContext, messageEvent, newConnectionId } from '../../support/events.js';
import { fakeWiring, fakeWorld } from '../../support/fakes.js';
import { deleteKeysUnder, testPool, testRedisUrl, uid } from '../../support/services.js';

const prefix = `${uid('typing')}:`;
const redis = new Redis(testRedisUrl(), REDIS_CLIENT_OPTIONS);
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

/** Statements, Redis writes and posts of one relayed `typing` frame, once warm. */
async function oneTyping(size: number) {
  const world = fakeWorld();
  const counted = countingPool(pool);
  world.deps.messages = new PostgresMessageStore(counted.pool);
  world.deps.rooms = new PostgresRoomStore(counted.pool);
  world.deps.cache = new RedisRoomCache(redis, { keyPrefix: prefix });
  world.deps.limiter = new RedisRateLimiter(redis, { keyPrefix: prefix });
  world.deps.presence = new RedisPresenceCache(redis, { keyPrefix: prefix });
  const handler = makePresenceHandler(fakeWiring(world));
  const roomId = uid('room');
  const members = Array.from({ length: size }, (_, i) => ({
    connectionId: newConnectionId(),
    userId: `${roomId}-u${i}`,
  }));
  await mapLimit(members, 20, (caller) => joinRoom(world.deps, caller, { roomId }, async () => {}));
  const typer = members[0]!;
  const frame = (state: string) =>
    handler(messageEvent({ action: 'typing', roomId, state }, typer), lambdaContext());
  await frame('start'); // warm: the room cached, the scripts loaded
  await frame('stop');
  world.sender.clear();
  const write = vi.spyOn(redis.stream as { write: (...args: unknown[]) => boolean }, 'write');
  counted.reset();
  try {
    await frame('start');
    return {
      statements: counted.count(),
      redisRoundTrips: write.mock.calls.length,
      posts: world.sender.recipients().length,
    };
  } finally {
    write.mockRestore();
  }
}

describe('the store work of one typing frame', () => {
  it('is one Redis round trip and no PostgreSQL statement, in a room of 2 or of 100', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(await oneTyping(2)).toEqual({ statements: 0, redisRoundTrips: 1, posts: 1 });
    expect(await oneTyping(100)).toEqual({ statements: 0, redisRoundTrips: 1, posts: 99 });
  });
});
