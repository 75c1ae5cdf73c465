/**
 * Token buckets in Redis: one Lua script (one round trip) checks and charges every bucket
 * of a request at once, on Redis's clock (TIME), so Lambda containers whose clocks differ
 * share one notion of time.
 *
 * Each bucket is a GCRA "theoretical arrival time": one string key holding the time (ms,
 * Redis's clock) at which the bucket will be full again, expiring then (a missing key is a
 * full bucket). Paying a token moves it one interval (1000 / rate ms) later; paying is
 * allowed while it stays within `burst` intervals of now. That is exactly a token bucket of
 * capacity `burst` refilled at `rate`, with one key and no refill arithmetic per bucket.
 *
 * Keys: `{prefix}{l:scope}:bucket`, the scope (a user id, URI-encoded so that a `}` in it
 * cannot end the hash tag early) in the hash tag, so one request's buckets, the user's and
 * the connection's, are in one Redis Cluster slot and one script may touch them all.
 */
import { StoreUnavailableError } from '../../core/errors.js';
import type { RateCharge, RateDecision, RateLimiter } from '../../core/ports.js';
import { RATE_EPSILON_MS } from '../memory/rate-limiter.js';
import { REDIS_TIMEOUT_MS } from './client-options.js';
import { firstConnection } from './first-connection.js';
import { guarded } from './room-cache.js';
import { type RedisClient, Script } from './scripts.js';

/**
 * KEYS: the buckets. ARGV: per bucket its interval (ms a token) and burst, in order.
 * Returns 0 when every bucket paid, else the wait in ms (at least 1) and nothing is paid.
 * Times are written with `%.3f`: Lua's tostring keeps 14 digits, too few for ms since 1970.
 */
const TAKE = new Script(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local wait = 0
local after = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local full = tonumber(redis.call('GET', KEYS[i]) or '0')
  if full < now then full = now end
  after[i] = full + interval
  local w = after[i] - burst * interval - now
  if w > wait then wait = w end
end
if wait > ${RATE_EPSILON_MS} then
  return math.max(1, math.ceil(wait))
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], string.format('%.3f', after[i]), 'PX', math.ceil(after[i] - now))
end
return 0
`);

export interface RedisRateLimiterOptions {
  /** Prepended to every key, before the hash tag. */
  keyPrefix?: string;
  /** The most one take may take; default `REDIS_TIMEOUT_MS`. */
  operationTimeoutMs?: number;
}

export class RedisRateLimiter implements RateLimiter {
  private readonly prefix: string;
  private readonly timeoutMs: number;
  /** Set while a client handed over still connecting makes its first attempt. */
  private connecting: Promise<unknown> | undefined;

  constructor(
    private readonly redis: RedisClient,
    options: RedisRateLimiterOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? '';
    this.timeoutMs = options.operationTimeoutMs ?? REDIS_TIMEOUT_MS;
    if (redis.status !== 'ready') {
      this.connecting = firstConnection(redis, this.timeoutMs).finally(() => {
        this.connecting = undefined;
      });
    }
  }

  /** The Redis key of `scope`'s bucket `key`. */
  private keyOf(scope: string, key: string): string {
    return `${this.prefix}{l:${encodeURIComponent(scope)}}:${key}`;
  }

  async take(scope: string, charges: readonly RateCharge[]): Promise<RateDecision> {
    // No await before the script is issued when connected: a caller that starts a take and
    // a cache read in the same turn of the event loop gets one auto-pipelined round trip.
    if (this.connecting) await this.connecting;
    if (this.redis.status !== 'ready') {
      throw new StoreUnavailableError('Redis', { cause: new Error(`client ${this.redis.status}`) });
    }
    const keys = charges.map((c) => this.keyOf(scope, c.key));
    const args = charges.flatMap((c) => [1000 / c.rate, c.burst]);
    const waitMs = Number(await guarded(() => TAKE.run(this.redis, keys, args), this.timeoutMs));
    return waitMs > 0 ? { ok: false, retryAfterMs: waitMs } : { ok: true };
  }
}
