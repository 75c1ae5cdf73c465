/**
 * The Redis settings that make a request give up on a Redis that is down instead of
 * waiting for it: checked as configuration here (no clock in these tests), and as
 * behaviour against real servers in test/functions/stores/redis/faults.integration.test.ts.
 */
import { EventEmitter } from 'node:events';
import { Cluster, Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../../../functions/core/errors.js';
import { readConfig } from '../../../../functions/runtime/config.js';
import { createRedis } from '../../../../functions/runtime/deps.js';
import {
  REDIS_CLIENT_OPTIONS,
  REDIS_TIMEOUT_MS,
} from '../../../../functions/stores/redis/client-options.js';
import { RedisRoomCache } from '../../../../functions/stores/redis/room-cache.js';

/** "Within about a second" (the issue), per request, with Redis refused or silent. */
const REQUEST_BUDGET_MS = 1_000;

const config = (cluster: boolean) =>
  readConfig({
    DATABASE_URL: 'postgres://x',
    // Nothing listens on port 1: the clients are only inspected, never used.
    REDIS_URL: 'redis://127.0.0.1:1',
    REDIS_CLUSTER: cluster ? 'true' : 'false',
  });

const clients: (Redis | Cluster)[] = [];
function inspect<T extends Redis | Cluster>(client: T): T {
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
  vi.useRealTimers();
});

/** Every wait a single node (or one cluster node) can impose is bounded. */
function expectFailFastNode(options: Record<string, unknown>): void {
  // Refused or reconnecting: fail at once instead of queueing for a reconnect.
  expect(options.enableOfflineQueue).toBe(false);
  // Silent: each step of a connection and each command has a timeout under the budget.
  for (const timeout of ['connectTimeout', 'commandTimeout', 'socketTimeout']) {
    expect(options[timeout], timeout).toBeGreaterThan(0);
    expect(options[timeout], timeout).toBeLessThanOrEqual(REDIS_TIMEOUT_MS);
  }
  // A command that timed out is not written again after a reconnect.
  expect(options.autoResendUnfulfilledCommands).toBe(false);
}

describe('Redis client settings', () => {
  it('let a request make two cache operations within the budget', () => {
    expect(2 * REDIS_TIMEOUT_MS).toBeLessThanOrEqual(REQUEST_BUDGET_MS);
  });

  it('make the single-node client fail fast, with auto-pipelining', () => {
    const redis = inspect(createRedis(config(false)));
    expect(redis).toBeInstanceOf(Redis);
    expectFailFastNode((redis as Redis).options as Record<string, unknown>);
    expect((redis as Redis).options.enableAutoPipelining).toBe(true);
  });

  it('make the cluster client fail fast at its own level and on every node', () => {
    const cluster = inspect(createRedis(config(true))) as Cluster;
    expect(cluster).toBeInstanceOf(Cluster);
    const { options } = cluster;
    // The cluster queues and pipelines by its own options; node options do not reach them.
    expect(options.enableOfflineQueue).toBe(false);
    expect(options.enableAutoPipelining).toBe(true);
    expectFailFastNode(options.redisOptions as Record<string, unknown>);
    expect(options.slotsRefreshTimeout).toBeLessThanOrEqual(REDIS_TIMEOUT_MS);
    // A failover is learned even from a frozen master that never answers MOVED.
    expect(options.slotsRefreshInterval).toBeGreaterThan(0);
    // Its retries (each after a delay) fit in one operation's deadline.
    const delay = Math.max(
      options.retryDelayOnFailover ?? 0,
      options.retryDelayOnClusterDown ?? 0,
      options.retryDelayOnTryAgain ?? 0,
    );
    expect((options.maxRedirections ?? 16) * delay).toBeLessThan(REDIS_TIMEOUT_MS);
  });

  it('are the ones the shared REDIS_CLIENT_OPTIONS hold (one source for handlers and bench)', () => {
    const redis = inspect(createRedis(config(false))) as Redis;
    const cluster = inspect(createRedis(config(true))) as Cluster;
    for (const [option, value] of Object.entries(REDIS_CLIENT_OPTIONS)) {
      expect(redis.options, option).toHaveProperty(option, value);
      expect(cluster.options.redisOptions, option).toHaveProperty(option, value);
    }
  });
});

describe('the cache operation deadline', () => {
  it('answers unavailable when the client never settles a command', async () => {
    vi.useFakeTimers();
    const never = () => new Promise<never>(() => undefined);
    const silent = {
      status: 'ready',
      call: never,
      evalsha: never,
      get: never,
      hmget: never,
    } as unknown as Redis;
    const cache = new RedisRoomCache(silent);
    const read = cache.roomConnections('room').catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(REDIS_TIMEOUT_MS);
    expect(await read).toBeInstanceOf(StoreUnavailableError);
  });

  it('is not waited for when the client is not connected', async () => {
    const evalsha = vi.fn(() => new Promise<never>(() => undefined));
    const down = Object.assign(new EventEmitter(), { status: 'ready', evalsha });
    const cache = new RedisRoomCache(down as unknown as Redis);
    down.status = 'reconnecting';
    await expect(cache.roomConnections('room')).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(evalsha).not.toHaveBeenCalled();
  });

  it('waits once for a client still making its first connection (a cold start)', async () => {
    const evalsha = vi.fn(async () => ['s1', ['~', '1']]);
    const connecting = Object.assign(new EventEmitter(), { status: 'connecting', evalsha });
    const cache = new RedisRoomCache(connecting as unknown as Redis);
    const read = cache.roomConnections('room');
    connecting.status = 'ready';
    connecting.emit('ready');
    expect(await read).toEqual({ connections: [], joinStamp: 's1' });
  });
});
