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

/**
 * The connection keys of one room: `conns` (connectionId -> userId) is what fan-out reads;
 * `users` (`@userId` -> number of that user's connections) answers presence questions
 * without reading every connection. Both carry the sentinel field `~` ("cached, maybe
 * empty"). They can expire or be evicted apart, so a script that finds only one of them
 * drops both and answers a miss: the room is then rebuilt from the durable store.
 */
const BOTH_CACHED_OR_MISS = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[3])
  return false
end`;

/** The online user ids: the `users` fields without their `@` (the sentinel skipped). */
const ONLINE = `
local online = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[3])) do
  if string.sub(field, 1, 1) == '@' then online[#online + 1] = string.sub(field, 2) end
end`;

/** KEYS conns, version, users; ARGV version-read, ttl, then connectionId/userId pairs. */
export const FILL_CONNECTIONS = new Script(`
local current = redis.call('GET', KEYS[2]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('HSET', KEYS[1], '~', '1')
redis.call('HSET', KEYS[3], '~', '1')
for i = 3, #ARGV, 2 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    redis.call('HINCRBY', KEYS[3], '@' .. ARGV[i + 1], 1)
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[2])
return 1`);

/**
 * KEYS conns, version, users; ARGV connectionId, userId, ttl, new version. Returns nil on a
 * miss, else { userHasOthers (0/1), online user ids, the room's connections as flat pairs
 * when the user has no other (they are owed a presence frame), else {} }. The version is a
 * fresh random token, not a counter: a counter restarts after a flush or failover and could
 * match a version a stale fill read before it.
 */
export const ADD_CONNECTION = new Script(`
redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[3])
${BOTH_CACHED_OR_MISS}
local count
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  count = redis.call('HINCRBY', KEYS[3], '@' .. ARGV[2], 1)
else
  count = tonumber(redis.call('HGET', KEYS[3], '@' .. ARGV[2]) or '1')
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
${ONLINE}
if count > 1 then return { 1, online, {} } end
return { 0, online, redis.call('HGETALL', KEYS[1]) }`);

/**
 * KEYS conns, version, users; ARGV connectionId, ttl, new version, userId ('' if unknown:
 * then the cached entry names the user). Returns nil on a miss, else as ADD_CONNECTION.
 */
export const REMOVE_CONNECTION = new Script(`
redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[2])
${BOTH_CACHED_OR_MISS}
local user = redis.call('HGET', KEYS[1], ARGV[1])
if user then
  redis.call('HDEL', KEYS[1], ARGV[1])
  if redis.call('HINCRBY', KEYS[3], '@' .. user, -1) <= 0 then
    redis.call('HDEL', KEYS[3], '@' .. user)
  end
elseif ARGV[4] ~= '' then
  user = ARGV[4]
end
${ONLINE}
if not user then return { 1, online, {} } end
if redis.call('HEXISTS', KEYS[3], '@' .. user) == 1 then return { 1, online, {} } end
return { 0, online, redis.call('HGETALL', KEYS[1]) }`);

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
