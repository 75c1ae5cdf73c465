/**
 * An in-process stand-in for the Redis presence cache (PARLEY_CACHE=memory, the fakes),
 * keeping what stores/redis/presence-cache.ts keeps, with the same expiries on `now`'s
 * clock. `forget()` drops everything, as a Redis flush would.
 */
import { CONNECTION_TTL_MS } from '../../core/limits.js';
import type { PresenceCache, UserStatus } from '../../core/ports.js';

/** Entries kept before expired ones are swept: a sweep is O(entries), so not every call. */
const SWEEP_AT = 10_000;

interface Expiring<T> {
  value: T;
  until: number;
}

export class MemoryPresenceCache implements PresenceCache {
  private readonly heartbeats = new Map<string, Expiring<number>>();
  private readonly typers = new Map<string, Expiring<number>>();
  private readonly statusOf = new Map<string, UserStatus>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Drops everything, as FLUSHALL would. */
  forget(): void {
    this.heartbeats.clear();
    this.typers.clear();
    this.statusOf.clear();
  }

  private live<T>(map: Map<string, Expiring<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (entry && entry.until > this.clock()) return entry.value;
    map.delete(key);
    return undefined;
  }

  private put<T>(map: Map<string, Expiring<T>>, key: string, value: T, ttlMs: number): void {
    if (map.size >= SWEEP_AT) {
      const now = this.clock();
      for (const [k, e] of map) if (e.until <= now) map.delete(k);
    }
    map.set(key, { value, until: this.clock() + ttlMs });
  }

  async touch(connectionId: string, now: number): Promise<void> {
    this.put(this.heartbeats, connectionId, now, CONNECTION_TTL_MS);
  }

  async lastActive(connectionIds: readonly string[], now: number): Promise<number[]> {
    return connectionIds.map((id) => {
      const seen = this.live(this.heartbeats, id);
      if (seen !== undefined) return seen;
      this.put(this.heartbeats, id, now, CONNECTION_TTL_MS);
      return now;
    });
  }

  async typing(
    userId: string,
    roomId: string,
    state: 'start' | 'stop',
    timing: { now: number; throttleMs: number; expiryMs: number },
  ): Promise<boolean> {
    const key = `${userId}\n${roomId}`;
    const last = this.live(this.typers, key);
    if (state === 'stop') return this.typers.delete(key) && last !== undefined;
    if (last !== undefined && timing.now - last < timing.throttleMs) return false;
    this.put(this.typers, key, timing.now, timing.expiryMs);
    return true;
  }

  async statuses(userIds: readonly string[]): Promise<(UserStatus | undefined)[]> {
    return userIds.map((id) => {
      const status = this.statusOf.get(id);
      return status && { ...status };
    });
  }

  async putStatus(userId: string, status: UserStatus): Promise<void> {
    this.statusOf.set(userId, { ...status });
  }

  async forgetStatus(userId: string): Promise<void> {
    this.statusOf.delete(userId);
  }
}
