/**
 * Presence's short-lived facts in Redis. Every operation is one command or one script on
 * one key, so a request's presence call rides the same auto-pipelined write as its other
 * Redis calls, and works on a cluster (each key is its own hash tag):
 *   {h:connectionId}        when the connection last sent a frame (ms); kept as long as
 *                           the connection can live, so a missing key means "forgotten"
 *                           (a flush, an eviction), never "silent"
 *   {t:userId}:roomId       the time of the user's last relayed typing `start` there,
 *                           expiring when receivers drop it
 *   {s:userId}              the user's status as JSON, a copy of the connections table's
 * Ids are URI-encoded inside the hash tag so that a `}` in a user id cannot end it early.
 */
import { CONNECTION_TTL_MS } from '../../core/limits.js';
import type { PresenceCache, UserStatus } from '../../core/ports.js';
import { REDIS_TIMEOUT_MS } from './client-options.js';
import { firstConnection } from './first-connection.js';
import { guarded } from './room-cache.js';
import { type RedisClient, Script } from './scripts.js';

/** A cached status outlives any session; the durable copy is read again after it. */
const STATUS_TTL_MS = 24 * 3600 * 1000;

/**
 * KEYS[1] the typing key. ARGV: state, now, throttle ms, expiry ms. 1: relay it.
 * A start within the throttle of the last relayed one is dropped; a stop is relayed only
 * while a relayed start lasts, and ends it.
 */
const TYPING = new Script(`
if ARGV[1] == 'start' then
  local last = tonumber(redis.call('GET', KEYS[1]) or '')
  if last and tonumber(ARGV[2]) - last < tonumber(ARGV[3]) then return 0 end
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
  return 1
end
return redis.call('DEL', KEYS[1])
`);

export interface RedisPresenceCacheOptions {
  keyPrefix?: string;
  operationTimeoutMs?: number;
}

export class RedisPresenceCache implements PresenceCache {
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private connecting: Promise<unknown> | undefined;

  constructor(
    private readonly redis: RedisClient,
    options: RedisPresenceCacheOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? '';
    this.timeoutMs = options.operationTimeoutMs ?? REDIS_TIMEOUT_MS;
    if (redis.status !== 'ready') {
      this.connecting = firstConnection(redis, this.timeoutMs).finally(() => {
        this.connecting = undefined;
      });
    }
  }

  private heartbeatKey(connectionId: string): string {
    return `${this.prefix}{h:${encodeURIComponent(connectionId)}}`;
  }

  private statusKey(userId: string): string {
    return `${this.prefix}{s:${encodeURIComponent(userId)}}`;
  }

  /** No await before the command when connected: it must join the turn's pipeline. */
  private async run<T>(command: () => Promise<T>): Promise<T> {
    if (this.connecting) await this.connecting;
    return guarded(command, this.timeoutMs);
  }

  async touch(connectionId: string, now: number): Promise<void> {
    await this.run(() =>
      this.redis.set(this.heartbeatKey(connectionId), String(now), 'PX', CONNECTION_TTL_MS),
    );
  }

  async lastActive(connectionIds: readonly string[], now: number): Promise<number[]> {
    // SET NX GET: the stored time, or nil after storing `now` (Redis 7). One command per
    // connection, all issued in one turn: one pipelined round trip, on a cluster too.
    return this.run(() =>
      Promise.all(
        connectionIds.map(async (id) => {
          const before = (await this.redis.call(
            'SET',
            this.heartbeatKey(id),
            String(now),
            'NX',
            'GET',
            'PX',
            String(CONNECTION_TTL_MS),
          )) as string | null;
          return before === null ? now : Number(before);
        }),
      ),
    );
  }

  async typing(
    userId: string,
    roomId: string,
    state: 'start' | 'stop',
    timing: { now: number; throttleMs: number; expiryMs: number },
  ): Promise<boolean> {
    const key = `${this.prefix}{t:${encodeURIComponent(userId)}}:${roomId}`;
    const args = [state, timing.now, timing.throttleMs, timing.expiryMs];
    return Number(await this.run(() => TYPING.run(this.redis, [key], args))) === 1;
  }

  async statuses(userIds: readonly string[]): Promise<(UserStatus | undefined)[]> {
    return this.run(() =>
      Promise.all(
        userIds.map(async (id) => {
          const json = await this.redis.get(this.statusKey(id));
          return json === null ? undefined : (JSON.parse(json) as UserStatus);
        }),
      ),
    );
  }

  async putStatus(userId: string, status: UserStatus): Promise<void> {
    await this.run(() =>
      this.redis.set(this.statusKey(userId), JSON.stringify(status), 'PX', STATUS_TTL_MS),
    );
  }

  async forgetStatus(userId: string): Promise<void> {
    await this.run(() => this.redis.del(this.statusKey(userId)));
  }
}
