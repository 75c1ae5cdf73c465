/**
 * The ioredis settings of every Parley Redis client: the handlers' (functions/runtime) and
 * the benchmark's handler stack, so that what the benchmark times is what ships.
 *
 * Redis is only a cache, so when it is down a request must not wait for it: the core falls
 * back to the durable stores or answers `unavailable`. Three kinds of "down" are covered:
 * refused (nothing listens: the offline queue is off, so a command fails at once instead of
 * waiting for a reconnect), silent (a frozen or unreachable node: the command, connect and
 * socket timeouts), and a cluster mid-failover (bounded redirections, and the adapter's
 * deadline on each operation). The figures behind the values are in
 * docs/decisions/2026-12-06-stores-fail-fast.md.
 */
import type { ClusterOptions, RedisOptions } from 'ioredis';

/**
 * How long one step may take: a TCP (and TLS) connect, one command's reply, a socket that
 * owes replies staying quiet, a cluster's slot discovery, and (enforced by
 * `RedisRoomCache`, whatever the client does inside: redirections, failover retries) one
 * cache operation as a whole. Redis answers in about a millisecond; half a second of
 * silence is an outage, not load. A request makes at most two cache operations before it
 * answers, so it answers within about a second however Redis fails.
 */
export const REDIS_TIMEOUT_MS = 500;

/** A single-node client's settings, and each cluster node's (`redisOptions`). */
export const REDIS_CLIENT_OPTIONS = {
  // A command issued while the client is not connected fails at once rather than waiting
  // in a queue for a reconnect that may never come. The price: a new client refuses
  // commands until its first connection is up, so `RedisRoomCache` waits for that one
  // attempt (`firstConnection`). The cluster client turns it off at its own level too.
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: REDIS_TIMEOUT_MS,
  commandTimeout: REDIS_TIMEOUT_MS,
  // A socket that owes replies and stays silent this long is dropped, so the client stops
  // writing into a frozen server: it reconnects, and meanwhile commands fail at once
  // (a command timeout alone would leave every later command to wait out its own).
  socketTimeout: REDIS_TIMEOUT_MS,
  // A command that timed out was reported failed; resending it after a reconnect would
  // apply a write that the caller has already undone or given up on.
  autoResendUnfulfilledCommands: false,
  // Commands issued in one turn of the event loop leave together, in the next tick: a
  // send's reads and writes share writes with the other requests of that turn, and no
  // command costs its caller a socket write.
  enableAutoPipelining: true,
} as const satisfies RedisOptions;

/**
 * The cluster client's own settings (ElastiCache Serverless is cluster-mode only). The
 * cluster keeps its own offline queue and its own auto-pipelining switch: the node options
 * above do not reach them.
 */
export const REDIS_CLUSTER_OPTIONS = {
  enableOfflineQueue: false,
  enableAutoPipelining: true,
  slotsRefreshTimeout: REDIS_TIMEOUT_MS,
  // Re-read the slot map now and then, so a failover is learned even from a frozen master
  // that never answers MOVED. (ioredis documents 5000 as the default but applies none.)
  slotsRefreshInterval: 5_000,
  // A command retried after "connection closed", CLUSTERDOWN or TRYAGAIN waits 100 ms a
  // time: a few retries ride out a MOVED or a blip within the operation's deadline, and
  // a failover that takes longer answers `unavailable` instead of holding the request.
  maxRedirections: 4,
} as const satisfies ClusterOptions;
