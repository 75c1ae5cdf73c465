/**
 * Store work per message: PostgreSQL statements and Redis round trips per send_message,
 * with the rate limit taken and membership checked, at room sizes 2, 10 and 1,000. Target:
 * at most 1 statement and 2 round trips, flat in room size. Counted (statements through the
 * pool, round trips as socket writes of the one Redis client), not estimated; the same
 * counts are asserted by test/functions/runtime/send-store-work.integration.test.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { timeOrderedId } from '../../client/ids.js';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import { sendMessage } from '../../functions/core/actions/send-message.js';
import type { ChatDeps } from '../../functions/core/ports.js';
import { startAdmission } from '../../functions/core/rate-limits.js';
import { PostgresMessageStore } from '../../functions/stores/postgres/message-store.js';
import { PostgresRoomStore } from '../../functions/stores/postgres/room-store.js';
import { ROOMY_LIMITS } from '../../local/roomy-rate-limits.js';
import { countingPool } from '../counting-pool.js';
import type { ResultRow, Scenario } from '../scenario.js';
import { coreStack } from './stack.js';

export interface Counter {
  count: number;
}

/**
 * Counts the writes to the socket of the client the cache and the limiter share: with
 * auto-pipelining every command issued in one turn of the event loop leaves in one write,
 * and a command that needs an earlier reply leaves in a later one, so the writes during a
 * send are its round trips (test/functions/runtime/send-round-trips.integration.test.ts).
 */
export function countWrites(redis: Redis, counter: Counter): () => void {
  const stream = redis.stream as { write: (...args: unknown[]) => boolean };
  const write = stream.write;
  stream.write = (...args: unknown[]) => {
    counter.count++;
    return write.apply(stream, args);
  };
  return () => {
    stream.write = write;
  };
}

export const storeWork: Scenario = async (ctx) => {
  const sizes = [2, 10, 1000];
  const sends = ctx.quick ? 10 : 50;
  const stack = await coreStack(ctx);
  const counted = countingPool(stack.pool);
  const trips: Counter = { count: 0 };
  // Membership, bans and mutes are checked by the send statement; the rate limit is taken
  // as the handlers' shell takes it (with the audience read), on buckets no run reaches.
  const deps: ChatDeps = {
    ...stack.deps,
    messages: new PostgresMessageStore(counted.pool),
    rooms: new PostgresRoomStore(counted.pool),
    limits: { ...stack.deps.limits, ...ROOMY_LIMITS },
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
      counted.reset();
      trips.count = 0;
      const stopCounting = countWrites(stack.cacheRedis, trips);
      try {
        for (let i = 0; i < sends; i++) {
          await sendMessage(
            deps,
            sender,
            { roomId, content: `m${i}`, clientMsgId: timeOrderedId() },
            noReply,
            startAdmission(deps, sender, 'send_message'),
          );
        }
      } finally {
        stopCounting();
      }
      const perSendStatements = counted.count() / sends;
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
    return {
      name: 'store-work',
      title: 'Store work per send_message (rate limit taken, membership checked), by room size',
      rows,
    };
  } finally {
    await stack.close();
  }
};
