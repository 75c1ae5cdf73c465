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
/**
 * How long a join or leave made while the room was not cached waits for the fill that
 * merges it: longer than any fill's read of the durable store takes.
 */
export const PENDING_TTL_SECONDS = 300;

/**
 * A `conns` value is the connection's user id, or for a connection that reads compact
 * frames NUL `c` and the user id (a user id never holds NUL: auth/verify-token.ts).
 * Defines `userOf(value)`: the user id alone.
 */
const USER_OF = `
local function userOf(value)
  if string.byte(value, 1) == 0 then return string.sub(value, 3) end
  return value
end`;

/**
 * ...and on a miss records the join or leave (locals `pendingField`, `pendingOp`) in
 * `pend`, for the fill under way to merge (see FILL_CONNECTIONS).
 */
const BOTH_CACHED_OR_MISS = `
if redis.call('EXISTS', KEYS[1]) == 0 or redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[3])
  redis.call('HSET', KEYS[4], pendingField, pendingOp)
  redis.call('EXPIRE', KEYS[4], ${PENDING_TTL_SECONDS})
  return false
end`;

/**
 * The presence answer's tail, after a join or leave of `user`: up to ARGV `onlineMax` user
 * ids (the `users` fields without their `@`, read with HSCAN so a room of 100,000 costs
 * O(onlineMax), not O(room)), the counts from HLEN (the sentinels not counted), and the
 * room's connections only when nobody else of the user's is left here and the room has at
 * most `othersMax` connections after the change. Expects locals `hasOthers`, `onlineMax`,
 * `othersMax`. Both bounds are arguments the core sets (`presenceView` in core/presence.ts,
 * where presence is decided); this only computes the answer `presenceAfter` there defines.
 */
const PRESENCE_REPLY = `
local online = {}
if onlineMax > 0 then
  local cursor = '0'
  repeat
    local page = redis.call('HSCAN', KEYS[3], cursor, 'COUNT', onlineMax + 1)
    cursor = page[1]
    for i = 1, #page[2], 2 do
      local field = page[2][i]
      if #online < onlineMax and string.sub(field, 1, 1) == '@' then
        online[#online + 1] = string.sub(field, 2)
      end
    end
  until cursor == '0' or #online >= onlineMax
end
local onlineCount = redis.call('HLEN', KEYS[3]) - 1
local connectionCount = redis.call('HLEN', KEYS[1]) - 1
if hasOthers == 1 or connectionCount > othersMax then
  return { hasOthers, online, {}, onlineCount, connectionCount, 0 }
end
return { 0, online, redis.call('HGETALL', KEYS[1]), onlineCount, connectionCount, 1 }`;

/**
 * KEYS conns, joins; the room's join stamp ('' if none) and its connections as flat pairs,
 * read in one step so that a join between the two reads cannot go unseen by both.
 */
export const READ_CONNECTIONS = new Script(`
return { redis.call('GET', KEYS[2]) or '', redis.call('HGETALL', KEYS[1]) }`);

/**
 * KEYS conns, epoch, users, pend, joins; ARGV epoch-read, ttl, a fresh join stamp, then
 * connectionId/`conns` value pairs (see USER_OF).
 * Builds the room from what the caller read from the durable store, then applies the joins
 * and leaves recorded while it was not cached (`pend`: connectionId -> `+userId` or `-`),
 * which that read may have missed: so concurrent joins to an uncached room never refuse
 * one another's fill (each refusal cost a full read of the room: O(N²) for a herd of N).
 * A room already cached is left as it is (a fill can only be older than it), and so is one
 * whose epoch changed since the caller's miss: a flush or an eviction lost the record of
 * what happened meanwhile, so the caller's read may miss a join and must not be cached.
 */
export const FILL_CONNECTIONS = new Script(`
${USER_OF}
local current = redis.call('GET', KEYS[2]) or ''
if current ~= ARGV[1] or current == '' then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('HSET', KEYS[1], '~', '1')
redis.call('HSET', KEYS[3], '~', '1')
local function add(connectionId, value)
  if redis.call('HSETNX', KEYS[1], connectionId, value) == 1 then
    redis.call('HINCRBY', KEYS[3], '@' .. userOf(value), 1)
  end
end
for i = 4, #ARGV, 2 do add(ARGV[i], ARGV[i + 1]) end
local pending = redis.call('HGETALL', KEYS[4])
for i = 1, #pending, 2 do
  local connectionId, op = pending[i], pending[i + 1]
  if string.sub(op, 1, 1) == '+' then
    add(connectionId, string.sub(op, 2))
  else
    local value = redis.call('HGET', KEYS[1], connectionId)
    if value then
      local user = userOf(value)
      redis.call('HDEL', KEYS[1], connectionId)
      if redis.call('HINCRBY', KEYS[3], '@' .. user, -1) <= 0 then
        redis.call('HDEL', KEYS[3], '@' .. user)
      end
    end
  end
end
redis.call('DEL', KEYS[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[2])
redis.call('SET', KEYS[5], ARGV[3], 'EX', ARGV[2])
return 1`);

/**
 * KEYS epoch; ARGV a fresh token, ttl. The room's epoch, made now if it has none: read on a
 * miss, before the caller reads the durable store, and presented with the fill.
 */
export const EPOCH = new Script(`
redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2])
return redis.call('GET', KEYS[1])`);

/**
 * A write that must not land after its caller stopped waiting: ARGV[n] is the last moment
 * (Redis's clock, ms since the epoch) it may apply. Past it, the script changes nothing and
 * answers { 'late', now in ms }. A join that timed out was answered `unavailable` and its
 * DynamoDB half undone; applied late (a frozen Redis resuming runs what it had received),
 * it would list a connection that never joined (docs/decisions/2026-12-06-circuit-breaker.md).
 */
const applyBy = (n: number) => `
local clock = redis.call('TIME')
local nowMs = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
if nowMs > tonumber(ARGV[${n}]) then return { 'late', nowMs } end`;

/**
 * KEYS conns, epoch, users, pend, joins; ARGV connectionId, its `conns` value (see USER_OF), ttl, onlineMax,
 * othersMax, a fresh join stamp (set when the connection is new), apply-by (see `applyBy`). Returns { 'late', now } past apply-by, changing nothing; nil on
 * a miss (after recording the join for the fill), else
 * { userHasOthers (0/1), up to onlineMax online user ids, the room's connections as flat
 * pairs (or {}), onlineCount, connectionCount, whether the pairs were included (0/1) }.
 */
export const ADD_CONNECTION = new Script(`
${applyBy(7)}
${USER_OF}
local pendingField, pendingOp = ARGV[1], '+' .. ARGV[2]
${BOTH_CACHED_OR_MISS}
local count
local user = userOf(ARGV[2])
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
  count = redis.call('HINCRBY', KEYS[3], '@' .. user, 1)
  redis.call('SET', KEYS[5], ARGV[6], 'EX', ARGV[3])
else
  count = tonumber(redis.call('HGET', KEYS[3], '@' .. user) or '1')
  redis.call('EXPIRE', KEYS[5], ARGV[3])
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
local hasOthers = 0
if count > 1 then hasOthers = 1 end
local onlineMax, othersMax = tonumber(ARGV[4]), tonumber(ARGV[5])
${PRESENCE_REPLY}`);

/**
 * KEYS conns, epoch, users, pend, joins; ARGV connectionId, onlineMax, othersMax. Returns nil
 * on a miss (after recording the leave for the fill), else as ADD_CONNECTION; a connection
 * the room does not list changes nothing and answers `userHasOthers` (nobody is owed a
 * presence frame: whoever removed it told them).
 */
export const REMOVE_CONNECTION = new Script(`
${USER_OF}
local pendingField, pendingOp = ARGV[1], '-'
${BOTH_CACHED_OR_MISS}
local hasOthers = 1
local value = redis.call('HGET', KEYS[1], ARGV[1])
if value then
  local user = userOf(value)
  redis.call('HDEL', KEYS[1], ARGV[1])
  if redis.call('HINCRBY', KEYS[3], '@' .. user, -1) <= 0 then
    redis.call('HDEL', KEYS[3], '@' .. user)
    hasOthers = 0
  end
end
local onlineMax, othersMax = tonumber(ARGV[2]), tonumber(ARGV[3])
${PRESENCE_REPLY}`);

/** Shared tail: trim to the window, move the floor up past what was trimmed, set TTLs. */
const TRIM_AND_FLOOR = `
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(window) + 1))
redis.call('EXPIRE', KEYS[1], ttl)
if floor then
  local lowest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  if lowest[2] and tonumber(lowest[2]) > tonumber(floor) then floor = lowest[2] end
  redis.call('SET', KEYS[2], floor, 'EX', ttl)
end`;

/**
 * Defines `put(seq, json)`: stores a message's JSON at its seq in KEYS[1] in place of the
 * entry there, unless that entry is a later state of the message (a tombstone is final,
 * else the higher `rev`, else the later `editedAt`: `supersedes` in
 * core/message-version.ts, the same rule). So a fill that read PostgreSQL before an edit
 * or a reaction committed, or an append, edit or reaction that lands late, never puts an
 * older state back over a newer one, whatever order they arrive in. A seq is decoded only
 * when it already has an entry: on an append, almost never.
 */
const PUT_NEWEST = `
local function version(json)
  local m = cjson.decode(json)
  local rev = m.rev
  if type(rev) ~= 'number' then rev = 0 end
  local edited = m.editedAt
  if type(edited) ~= 'string' then edited = '' end
  if m.deleted == true then return 2, rev, edited end
  return 1, rev, edited
end
local function put(seq, json)
  local current = redis.call('ZRANGEBYSCORE', KEYS[1], seq, seq)
  if current[1] then
    if current[1] == json then return end
    local rankNow, revNow, editedNow = version(current[1])
    local rankNew, revNew, editedNew = version(json)
    if rankNow ~= rankNew then
      if rankNow > rankNew then return end
    elseif revNow ~= revNew then
      if revNow > revNew then return end
    elseif editedNow > editedNew then
      return
    end
    redis.call('ZREMRANGEBYSCORE', KEYS[1], seq, seq)
  end
  redis.call('ZADD', KEYS[1], seq, json)
end`;

/** KEYS recent, floor, first; ARGV window, ttl, floor, first seq, then seq/json pairs. */
export const FILL_RECENT = new Script(`
${PUT_NEWEST}
local window, ttl, floor = ARGV[1], ARGV[2], ARGV[3]
for i = 5, #ARGV, 2 do put(ARGV[i], ARGV[i + 1]) end
${TRIM_AND_FLOOR}
redis.call('SET', KEYS[3], ARGV[4], 'EX', ttl)
return 1`);

/**
 * KEYS recent, floor; ARGV window, ttl, seq, json. An edited or deleted message's state, in
 * place of its seq's entry (see PUT_NEWEST). Nothing below the floor: those seqs are not
 * in the window. Stored even when the window is not cached (no floor), as an append is, so
 * that a fill which read the record before the change merges with it. Above the newest
 * entry too: the message's own append may not have landed yet, and then merges with it.
 * The floor moves only when this trims: with nothing trimmed, the entries are as they were
 * save this seq, and raising the floor to the lowest entry would claim a completeness the
 * window may not have (a set that expired apart from its floor).
 */
export const REPLACE_RECENT = new Script(`
${PUT_NEWEST}
local window, ttl = ARGV[1], ARGV[2]
local floor = redis.call('GET', KEYS[2])
if floor and tonumber(ARGV[3]) < tonumber(floor) then return 0 end
put(ARGV[3], ARGV[4])
if redis.call('ZCARD', KEYS[1]) > tonumber(window) then
  ${TRIM_AND_FLOOR}
else
  redis.call('EXPIRE', KEYS[1], ttl)
end
return 1`);

/**
 * KEYS recent, floor, conns, joins; ARGV window, ttl, seq, json, the join stamp the sender
 * read ('' for none). Appends even on a miss (see cache), never over a later state of the
 * message (an edit that landed first: see PUT_NEWEST), then answers who joined since the
 * sender's read: -1 the room's connections are not cached, 0 nobody (the stamp is
 * unchanged), else the connections now as flat pairs. One step, so every join is either
 * before it (and answered) or after it (and finds the message in the window).
 */
export const APPEND_RECENT = new Script(`
${PUT_NEWEST}
local window, ttl = ARGV[1], ARGV[2]
put(ARGV[3], ARGV[4])
local floor = redis.call('GET', KEYS[2])
${TRIM_AND_FLOOR}
if redis.call('HEXISTS', KEYS[3], '~') == 0 then return -1 end
if ARGV[5] ~= '' and redis.call('GET', KEYS[4]) == ARGV[5] then return 0 end
return redis.call('HGETALL', KEYS[3])`);
