/**
 * Lua scripts for the room cache. Each touches only keys of one room, which share a hash
 * tag, so each runs atomically in one slot of a cluster as well as on a single node.
 */
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

export class Script {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** EVALSHA, falling back to EVAL once when the server has not seen the script. */
  async run(redis: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

/** KEYS conns, version; ARGV version-read, ttl, then connectionId/userId pairs. */
export const FILL_CONNECTIONS = new Script(`
local current = redis.call('GET', KEYS[2]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], '~', '1')
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`);

/**
 * KEYS conns, version; ARGV connectionId, userId, ttl, new version. Returns the hash
 * before, or nil. The version is a fresh random token, not a counter: a counter restarts
 * after a flush or failover and could match a version a stale fill read before it.
 */
export const ADD_CONNECTION = new Script(`
redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[3])
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local before = redis.call('HGETALL', KEYS[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return before`);

/** KEYS conns, version; ARGV connectionId, ttl, new version. Returns the hash after, or nil. */
export const REMOVE_CONNECTION = new Script(`
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HDEL', KEYS[1], ARGV[1])
return redis.call('HGETALL', KEYS[1])`);

/** Shared tail: trim to the window, move the floor up past what was trimmed, set TTLs. */
const TRIM_AND_FLOOR = `
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(window) + 1))
redis.call('EXPIRE', KEYS[1], ttl)
if floor then
  local lowest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if lowest[2] and tonumber(lowest[2]) > tonumber(floor) then floor = lowest[2] end
  redis.call('SET', KEYS[2], floor, 'EX', ttl)
end`;

/** KEYS recent, floor; ARGV window, ttl, floor, then seq/json pairs. */
export const FILL_RECENT = new Script(`
local window, ttl, floor = ARGV[1], ARGV[2], ARGV[3]
for i = 4, #ARGV, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[i], ARGV[i])
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
end
${TRIM_AND_FLOOR}
return 1`);

/** KEYS recent, floor; ARGV window, ttl, seq, json. Appends even on a miss (see cache). */
export const APPEND_RECENT = new Script(`
local window, ttl = ARGV[1], ARGV[2]
redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[3], ARGV[3])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
local floor = redis.call('GET', KEYS[2])
${TRIM_AND_FLOOR}
return 1`);
