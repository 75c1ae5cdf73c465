/**
 * Store work per message: PostgreSQL statements and Redis round trips per send_message,
 * at room sizes 2, 10 and 1,000. Target: at most 1 statement and 2 round trips, flat in
 * room size. Counted by wrapping the clients the adapters use, not estimated.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { timeOrderedId } from '../../client/ids.js';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import { sendMessage } from '../../functions/core/actions/send-message.js';
import type { ChatDeps } from '../../functions/core/ports.js';
import { PostgresMessageStore } from '../../functions/stores/postgres/message-store.js';
import { RedisRoomCache } from '../../functions/stores/redis/room-cache.js';
import type { ResultRow, Scenario } from '../scenario.js';
import { coreStack } from './stack.js';

/** Each call of one of these is one round trip; a pipeline is one round trip at `exec`. */
const REDIS_COMMANDS = new Set([
  'call',
  'evalsha',
  'eval',
  'hmget',
  'hgetall',
  'get',
  'del',
  'zrange',
]);

interface Counter {
  count: number;
}

function countingRedis(redis: Redis, counter: Counter): Redis {
  return new Proxy(redis, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (prop === 'pipeline' || prop === 'multi') {
        return (...args: unknown[]) => {
          const pipeline = fn.apply(target, args) as { exec: (...a: unknown[]) => unknown };
          const exec = pipeline.exec.bind(pipeline);
          pipeline.exec = (...a: unknown[]) => {
            counter.count++;
            return exec(...a);
          };
          return pipeline;
        };
      }
      if (typeof prop === 'string' && REDIS_COMMANDS.has(prop)) {
        return (...args: unknown[]) => {
          counter.count++;
          return fn.apply(target, args);
        };
      }
      return fn.bind(target);
    },
  });
}

function countingPool(pool: pg.Pool, counter: Counter): pg.Pool {
  return new Proxy(pool, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop === 'query' && typeof value === 'function') {
        return (...args: unknown[]) => {
          counter.count++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export const storeWork: Scenario = async (ctx) => {
  const sizes = [2, 10, 1000];
  const sends = ctx.quick ? 10 : 50;
  const stack = await coreStack(ctx);
  const statements: Counter = { count: 0 };
  const trips: Counter = { count: 0 };
  const deps: ChatDeps = {
    ...stack.deps,
    messages: new PostgresMessageStore(countingPool(stack.pool, statements)),
    cache: new RedisRoomCache(countingRedis(stack.cacheRedis, trips), {
      keyPrefix: ctx.redisPrefix,
    }),
  };
  const rows: ResultRow[] = [];
  const noReply = async () => {};
  try {
    for (const size of sizes) {
      ctx.log(`store work: room of ${size}, ${sends} sends`);
      const roomId = `work-${size}-${randomUUID().slice(0, 8)}`;
      for (let i = 0; i < size; i++) {
        await joinRoom(deps, { connectionId: `c${i}`, userId: `u${i}` }, { roomId }, noReply);
      }
      const sender = { connectionId: 'c0', userId: 'u0' };
      // Warm: the room's connections and window are cached, scripts are loaded.
      await sendMessage(deps, sender, { roomId, content: 'warm' }, noReply);
      statements.count = 0;
      trips.count = 0;
      for (let i = 0; i < sends; i++) {
        await sendMessage(
          deps,
          sender,
          { roomId, content: `m${i}`, clientMsgId: timeOrderedId() },
          noReply,
        );
      }
      const perSendStatements = statements.count / sends;
      const perSendTrips = trips.count / sends;
      rows.push(
        {
          metric: `PostgreSQL statements per send (room of ${size})`,
          unit: 'count',
          parley: perSendStatements,
          target: '<= 1',
          pass: perSendStatements <= 1,
        },
        {
          metric: `Redis round trips per send (room of ${size})`,
          unit: 'count',
          parley: perSendTrips,
          target: '<= 2',
          pass: perSendTrips <= 2,
        },
      );
    }
    return { name: 'store-work', title: 'Store work per send_message, by room size', rows };
  } finally {
    await stack.close();
  }
};
