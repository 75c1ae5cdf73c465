/**
 * A join's cache write applies only by its deadline, by Redis's clock (scripts.ts,
 * `applyBy`): one that arrives later is dropped by Redis. The hang itself is tested in
 * test/functions/stores/redis/late-join.integration.test.ts; here, the clocks: a Redis whose clock runs ahead of
 * ours must not refuse every join as late.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { RedisRoomCache } from '../../../../functions/stores/redis/room-cache.js';
import type { RedisClient } from '../../../../functions/stores/redis/scripts.js';
import { deleteKeysUnder, testRedis, uid } from '../../../support/services.js';

const redis = testRedis();
const prefix = `${uid('test')}:`;
afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
});

const VIEW = { onlineMax: 10, othersMax: 10 };

/**
 * The client as seen from a host whose clock is `behindMs` behind Redis's: every script's
 * last argument (a join's apply-by, in our clock) is moved back by that much, and the
 * Redis time a refusal reports forward.
 */
function clockBehind(client: RedisClient, behindMs: number): RedisClient {
  const shift = (args: (string | number)[]) => {
    const last = args.at(-1);
    return typeof last === 'number' ? [...args.slice(0, -1), last - behindMs] : args;
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'evalsha' || property === 'eval') {
        return async (...args: (string | number)[]) => {
          const run = target[property] as (...a: (string | number)[]) => Promise<unknown>;
          const reply = await run.apply(target, shift(args));
          if (!Array.isArray(reply) || reply[0] !== 'late') return reply;
          return ['late', Number(reply[1]) + behindMs];
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

describe('Redis late writes', () => {
  it('learns that Redis’s clock is ahead, and the join applies', async () => {
    const cache = new RedisRoomCache(clockBehind(redis, 10_000), { keyPrefix: prefix });
    const room = uid();
    const alice = { connectionId: uid('c'), userId: 'alice' };
    const bob = { connectionId: uid('c'), userId: 'bob' };
    await cache.fillRoomConnections(room, [alice], (await cache.roomConnections(room)).version!);
    expect(await cache.addRoomConnection(room, bob, VIEW)).toMatchObject({ onlineCount: 2 });
    expect(await cache.isInRoom(room, bob.connectionId)).toBe(true);
  });
});
