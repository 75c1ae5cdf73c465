/**
 * The chat core's dependencies, built from an explicit configuration and reused by every
 * invocation: one pg pool, one Redis client, one DynamoDB client, and one Management API
 * client per callback endpoint. Building them may read secrets (Secrets Manager), so it is
 * async. On Lambda the entry file builds one per container on first use (lambda-wiring.ts);
 * the local server builds one per server.
 */

import { Cluster, Redis } from 'ioredis';
import type pg from 'pg';
import { rememberRoomFacts } from '../core/encrypted-rooms.js';
import type {
  ChatDeps,
  ConnectionSender,
  ConnectionStore,
  FileStore,
  PresenceCache,
  RateLimiter,
  RoomCache,
} from '../core/ports.js';
import { CircuitBreaker, withCircuitBreaker } from '../stores/circuit-breaker.js';
import { MemoryPresenceCache } from '../stores/memory/presence-cache.js';
import { MemoryRateLimiter } from '../stores/memory/rate-limiter.js';
import { MemoryRoomCache } from '../stores/memory/room-cache.js';
import { PostgresMessageStore } from '../stores/postgres/message-store.js';
import { POSTGRES_DEADLINES } from '../stores/postgres/pool-options.js';
import { PostgresRoomStore } from '../stores/postgres/room-store.js';
import { REDIS_CLIENT_OPTIONS, REDIS_CLUSTER_OPTIONS } from '../stores/redis/client-options.js';
import { RedisPresenceCache } from '../stores/redis/presence-cache.js';
import { RedisRateLimiter } from '../stores/redis/rate-limiter.js';
import { RedisRoomCache } from '../stores/redis/room-cache.js';
import { chatLimits, type HandlerConfig } from './config.js';
import { type Connections, createConnections } from './connections.js';
import { createPostgresPool, postgresConnection } from './database.js';
import { createFileStore } from './files.js';
import { chatLogger } from './logger.js';
import { createQueues } from './queues.js';
import { readJsonSecret, secretField } from './secrets.js';
import { senderCache } from './senders.js';

export interface RedisCredentials {
  username?: string;
  password?: string;
}

/** `REDIS_SECRET_ARN`'s `{ "username": ..., "password": ... }`, when set. */
export async function redisCredentials(config: HandlerConfig): Promise<RedisCredentials> {
  const arn = config.REDIS_SECRET_ARN;
  if (!arn) return {};
  const secret = await readJsonSecret(arn);
  const username = secretField(secret, 'username', arn);
  const password = secretField(secret, 'password', arn, true);
  return { ...(username ? { username } : {}), password };
}

/** Credentials from the secret win over any in `REDIS_URL`. */
export function createRedis(
  config: HandlerConfig,
  credentials: RedisCredentials = {},
): Redis | Cluster {
  const url = config.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (config.REDIS_CLUSTER) {
    const parsed = new URL(url);
    const tls = parsed.protocol === 'rediss:' ? { tls: {} } : {};
    const auth = {
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...credentials,
    };
    return new Cluster([{ host: parsed.hostname, port: Number(parsed.port || 6379) }], {
      ...REDIS_CLUSTER_OPTIONS,
      // ElastiCache's TLS certificates name the configuration endpoint, not node IPs.
      dnsLookup: (address, callback) => callback(null, address),
      // The cache user's ACL excludes @dangerous, which holds INFO, the ready check's command.
      enableReadyCheck: false,
      redisOptions: { ...REDIS_CLIENT_OPTIONS, ...tls, ...auth, enableReadyCheck: false },
    });
  }
  return new Redis(url, { ...REDIS_CLIENT_OPTIONS, ...credentials });
}

export interface Runtime {
  config: HandlerConfig;
  deps(callbackUrl: string): ChatDeps;
  pool: pg.Pool;
  /** The room cache on its own, for functions that post nothing (the retention purge). */
  cache: RoomCache;
  /** The connections store and presence cache on their own too (the erasure). */
  connections: ConnectionStore;
  presence: PresenceCache;
  /** The attachments' bucket, when configured (the erasure deletes a user's files). */
  files?: FileStore;
  close(): Promise<void>;
}

/**
 * A store that keeps timing out is skipped for a while instead of costing every request
 * its timeout (stores/circuit-breaker.ts); each change is logged.
 */
function storeBreaker(store: string): CircuitBreaker {
  return new CircuitBreaker({
    store,
    onStateChange: (state) => chatLogger.warn('store circuit', { store, state }),
  });
}

export interface RuntimeOptions {
  /**
   * Reaches connections without the Management API: the local server's in-process sender
   * (local/direct-sender.ts). Without it every post goes through the SDK, as on Lambda.
   */
  sender?: ConnectionSender;
  /**
   * The connections table's client, shared with $connect (the local server's); the runtime
   * then leaves closing it to its owner. Without it the runtime makes and closes its own.
   */
  connections?: Connections;
}

/**
 * Reads any secrets first, then creates the clients, so a failure leaves nothing open.
 * Throws `SecretUnavailableError` when Secrets Manager cannot be reached (`unavailable`)
 * and a plain error for a configuration mistake (clients get `internal`). Reads nothing
 * from the environment: `config` is all it goes by.
 */
export async function createRuntime(
  config: HandlerConfig,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const [connection, credentials] = await Promise.all([
    postgresConnection(config),
    config.PARLEY_CACHE === 'memory' ? {} : redisCredentials(config),
  ]);
  return buildRuntime(config, connection, credentials, options);
}

function buildRuntime(
  config: HandlerConfig,
  connection: pg.PoolConfig,
  credentials: RedisCredentials,
  options: RuntimeOptions,
): Runtime {
  const pool = createPostgresPool(config, connection, {
    max: config.PG_POOL_MAX,
    idleTimeoutMillis: 60_000,
    // Every call answers within its deadline: a frozen database costs a request seconds,
    // not the Lambda's whole timeout.
    ...POSTGRES_DEADLINES,
  });
  // An idle client's error (the server restarted) must not crash the process.
  pool.on('error', (error) =>
    chatLogger.warn('idle PostgreSQL client failed', { error: String(error) }),
  );
  const limits = chatLimits(config);
  let redis: Redis | Cluster | undefined;
  let cache: RoomCache;
  let limiter: RateLimiter;
  let presence: PresenceCache;
  if (config.PARLEY_CACHE === 'memory') {
    // The stand-in is this runtime's own: two servers in one process keep two.
    cache = new MemoryRoomCache(limits.recentWindow);
    limiter = new MemoryRateLimiter();
    presence = new MemoryPresenceCache();
  } else {
    redis = createRedis(config, credentials);
    redis.on('error', (error: unknown) => chatLogger.warn('Redis error', { error: String(error) }));
    // One breaker for both: they are one Redis, so the limiter's timeouts open the cache's
    // circuit too, and while it is open the limiter fails at once (and so fails open).
    const breaker = storeBreaker('Redis');
    cache = withCircuitBreaker(
      new RedisRoomCache(redis, { keyPrefix: config.REDIS_KEY_PREFIX }),
      breaker,
    );
    limiter = withCircuitBreaker(
      new RedisRateLimiter(redis, { keyPrefix: config.REDIS_KEY_PREFIX }),
      breaker,
    );
    presence = withCircuitBreaker(
      new RedisPresenceCache(redis, { keyPrefix: config.REDIS_KEY_PREFIX }),
      breaker,
    );
  }
  const connections = options.connections ?? createConnections(config);
  const ownsConnections = options.connections === undefined;
  const queues = createQueues(config);
  const files = createFileStore(config);
  // One breaker for both PostgreSQL stores: they share the pool, so they fail together.
  const postgresBreaker = storeBreaker('PostgreSQL');
  const rooms = withCircuitBreaker(new PostgresRoomStore(pool), postgresBreaker);
  const base = {
    messages: withCircuitBreaker(new PostgresMessageStore(pool), postgresBreaker),
    rooms,
    // Shared by every endpoint's deps: one memory per runtime (per container on Lambda).
    roomFacts: rememberRoomFacts(rooms),
    connections: connections.store,
    cache,
    limiter,
    presence,
    limits,
    log: chatLogger,
    ...(files ? { files } : {}),
  };
  const inProcess = options.sender;
  const senderFor = inProcess
    ? () => inProcess
    : senderCache({
        region: config.AWS_REGION,
        concurrency: config.POST_CONCURRENCY,
        requestTimeoutMs: config.POST_TIMEOUT_MS,
      });
  // One object per endpoint for every invocation, not one each.
  const depsByEndpoint = new Map<string, ChatDeps>();
  return {
    config,
    pool,
    cache,
    connections: connections.store,
    presence,
    ...(files ? { files } : {}),
    deps(callbackUrl: string): ChatDeps {
      const endpoint = config.CALLBACK_URL ?? callbackUrl;
      let deps = depsByEndpoint.get(endpoint);
      if (!deps) {
        deps = { ...base, sender: senderFor(endpoint), queue: queues.queueFor(endpoint) };
        depsByEndpoint.set(endpoint, deps);
      }
      return deps;
    },
    async close() {
      await pool.end();
      redis?.disconnect();
      queues.close();
      if (ownsConnections) connections.close();
    },
  };
}
