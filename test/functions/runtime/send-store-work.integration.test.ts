/**
 * What one send costs the stores, with every check on (the rate limit's take, membership,
 * bans and mutes in the send statement): one PostgreSQL statement and at most two Redis
 * round trips, the same in a room of 10 connections and of 1,000. Through the real shell
 * (makeSendMessageHandler) on real PostgreSQL and Redis adapters; the connections table is
 * the fake one, as a warm send reads its audience from Redis alone.
 *
 * Counted, not timed: statements through a counting pool (bench/counting-pool.ts, which the store-work scenario
 * reports with),
 * Redis round trips as the socket writes of the one auto-pipelining client (see
 * send-round-trips.integration.test.ts for why a write is a round trip).
 */
import { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { countingPool } from '../../../bench/counting-pool.js';
import { mapLimit } from '../../../bench/map-limit.js';
import { joinRoom } from '../../../functions/core/actions/join-room.js';
import { logger } from '../../../functions/runtime/logger.js';
import { makeSendMessageHandler } from '../../../functions/send-message.js';
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

const prefix = `${uid('work')}:`;
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

/** Statements and Redis writes of one send in a room of `size` connections, once warm. */
async function oneSend(size: number) {
  const world = fakeWorld();
  const counted = countingPool(pool);
  world.deps.messages = new PostgresMessageStore(counted.pool);
  world.deps.rooms = new PostgresRoomStore(counted.pool);
  world.deps.cache = new RedisRoomCache(redis, { keyPrefix: prefix });
  world.deps.limiter = new RedisRateLimiter(redis, { keyPrefix: prefix });
  // The heartbeat every frame notes rides the same round trip as the rate limit.
  world.deps.presence = new RedisPresenceCache(redis, { keyPrefix: prefix });
  const send = makeSendMessageHandler(fakeWiring(world));
  const roomId = uid('room');
  const members = Array.from({ length: size }, (_, i) => ({
    connectionId: newConnectionId(),
    userId: `${roomId}-u${i}`,
  }));
  await mapLimit(members, 20, (caller) => joinRoom(world.deps, caller, { roomId }, async () => {}));
  const sender = members[0]!;
  const say = (content: string) =>
    send(
      messageEvent(
        { action: 'send_message', roomId, content },
        { ...sender, routeKey: 'send_message' },
      ),
      lambdaContext(),
    );
  // Warm: the room's connections cached, the scripts loaded (a NOSCRIPT costs once).
  await say('warm-up');

  const stream = redis.stream as { write: (...args: unknown[]) => boolean };
  const write = vi.spyOn(stream, 'write');
  counted.reset();
  try {
    await say('counted');
    return { statements: counted.count(), redisRoundTrips: write.mock.calls.length };
  } finally {
    write.mockRestore();
    const acks = world.sender.framesTo(sender.connectionId).filter((f) => f.type === 'ack');
    expect(acks).toHaveLength(2);
  }
}

describe('the store work of one send', () => {
  it('is one PostgreSQL statement and two Redis round trips, in a room of 10 or of 1,000', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const small = await oneSend(10);
    const large = await oneSend(1_000);
    expect(small).toEqual({ statements: 1, redisRoundTrips: 2 });
    expect(large).toEqual(small);
  });
});
