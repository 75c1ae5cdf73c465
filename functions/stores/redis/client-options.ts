/**
 * The ioredis settings of every Parley Redis client: the handlers' (functions/runtime) and
 * the benchmark's handler stack, so that what the benchmark times is what ships.
 */
import type { RedisOptions } from 'ioredis';

export const REDIS_CLIENT_OPTIONS = {
  // Fail fast instead of queueing forever while Redis is down: the core falls back to
  // the durable stores or answers `unavailable`.
  maxRetriesPerRequest: 1,
  commandTimeout: 2_000,
  connectTimeout: 2_000,
  // Commands issued in one turn of the event loop leave together, in the next tick: a
  // send's reads and writes share writes with the other requests of that turn, and no
  // command costs its caller a socket write.
  enableAutoPipelining: true,
} as const satisfies RedisOptions;
