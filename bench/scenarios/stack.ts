/**
 * Parley's chat core wired to the bench's real PostgreSQL and Redis, in this process, for
 * the scenarios that time the handler's own work (floor, store work, history). DynamoDB is
 * never on these paths once the room's connections are cached, so an in-memory store
 * stands in for it; the sender does nothing (fan-out is measured by the load scenarios).
 */

import { Redis } from 'ioredis';
import pg from 'pg';
import { rememberRoomFacts } from '../../functions/core/encrypted-rooms.js';
import { DEFAULT_LIMITS } from '../../functions/core/limits.js';
import type { RoomConnection } from '../../functions/core/message.js';
import type {
  BroadcastResult,
  ChatDeps,
  ConnectionRecord,
  ConnectionSender,
  ConnectionStore,
  FanoutQueue,
  UserState,
} from '../../functions/core/ports.js';
import { PostgresMessageStore } from '../../functions/stores/postgres/message-store.js';
import { migrate } from '../../functions/stores/postgres/migrate.js';
import { PostgresRoomStore } from '../../functions/stores/postgres/room-store.js';
import { REDIS_CLIENT_OPTIONS } from '../../functions/stores/redis/client-options.js';
import { RedisPresenceCache } from '../../functions/stores/redis/presence-cache.js';
import { RedisRateLimiter } from '../../functions/stores/redis/rate-limiter.js';
import { RedisRoomCache } from '../../functions/stores/redis/room-cache.js';
import type { BenchContext } from '../scenario.js';

/** An in-memory connection store: DynamoDB's part is off the measured paths. */
export class MemoryConnections implements ConnectionStore {
  private readonly rooms = new Map<string, Map<string, string>>();
  async putConnection(_c: ConnectionRecord) {}
  async getConnection() {
    return undefined;
  }
  async addToRoom(roomId: string, c: RoomConnection) {
    const room = this.rooms.get(roomId) ?? new Map<string, string>();
    this.rooms.set(roomId, room);
    const had = room.has(c.connectionId);
    room.set(c.connectionId, c.userId);
    return had;
  }
  async removeFromRoom(roomId: string, connectionId: string) {
    return this.rooms.get(roomId)?.delete(connectionId) ?? false;
  }
  async isInRoom(roomId: string, connectionId: string) {
    return this.rooms.get(roomId)?.has(connectionId) ?? false;
  }
  async roomConnections(roomId: string) {
    return [...(this.rooms.get(roomId) ?? [])].map(([connectionId, userId]) => ({
      connectionId,
      userId,
    }));
  }
  async roomsOf(connectionId: string) {
    return [...this.rooms].filter(([, room]) => room.has(connectionId)).map(([id]) => id);
  }
  async liveConnectionsOf() {
    return 0;
  }
  async deleteConnection() {
    return { rooms: [] };
  }
  async connectionIdsOf() {
    return [];
  }
  async putStatus() {}
  async putLastSeen() {}
  async userStates() {
    return new Map<string, UserState>();
  }
  async forgetUserState() {}
}

/** Posts nothing: the handler's work without the fan-out. */
export const silentSender: ConnectionSender = {
  async send() {
    return true;
  },
  async broadcast(): Promise<BroadcastResult> {
    return { gone: [], retry: [], failed: 0 };
  },
};

/**
 * Takes jobs and drops them: a room bigger than the inline limit hands its fan-out to the
 * queue, whose workers these scenarios do not measure.
 */
export const silentQueue: FanoutQueue = {
  async enqueue() {},
  async deadLetter() {},
};

export interface CoreStack {
  pool: pg.Pool;
  /** A bare client (ioredis' defaults), for timing Redis itself. */
  redis: Redis;
  /** The client the handlers' cache uses, with the runtime's settings (autopipelining). */
  cacheRedis: Redis;
  deps: ChatDeps;
  close(): Promise<void>;
}

export async function coreStack(ctx: BenchContext): Promise<CoreStack> {
  const pool = new pg.Pool({ connectionString: ctx.databaseUrl, max: 4 });
  await migrate(pool);
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 });
  const cacheRedis = new Redis(ctx.redisUrl, REDIS_CLIENT_OPTIONS);
  const log = { info() {}, warn() {}, error() {} };
  const rooms = new PostgresRoomStore(pool);
  const deps: ChatDeps = {
    messages: new PostgresMessageStore(pool),
    rooms,
    roomFacts: rememberRoomFacts(rooms),
    connections: new MemoryConnections(),
    cache: new RedisRoomCache(cacheRedis, { keyPrefix: ctx.redisPrefix }),
    sender: silentSender,
    queue: silentQueue,
    limiter: new RedisRateLimiter(cacheRedis, { keyPrefix: ctx.redisPrefix }),
    presence: new RedisPresenceCache(cacheRedis, { keyPrefix: ctx.redisPrefix }),
    limits: DEFAULT_LIMITS,
    log,
  };
  return {
    pool,
    redis,
    cacheRedis,
    deps,
    async close() {
      await pool.end();
      redis.disconnect();
      cacheRedis.disconnect();
    },
  };
}

/** Times `fn` `n` times (after `warmup` untimed runs); milliseconds per call. */
export async function timeEach(n: number, fn: (i: number) => Promise<unknown>, warmup = 20) {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));
