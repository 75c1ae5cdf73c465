/**
 * Redis servers of the tests' own, for the fault tests and the Cluster runs of the cache
 * contract: each is a `redis-server` child process on a free port with its files in a
 * temporary directory, so a test can stop, freeze or kill it without touching anyone's
 * data, and nothing is left behind. ElastiCache Serverless is cluster-mode only, so the
 * cluster is the shape production has: three masters, one replica each, failing over.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';

/** One line, for a machine without Redis installed: the tests that need it fail with it. */
export const REDIS_SERVER_MISSING =
  'redis-server is not installed: the Redis fault and Cluster tests start their own ' +
  '(Debian: apt-get install redis-server; .ci/run installs it)';

/** Thrown instead of a spawn stack trace: the message says all there is to say. */
export class RedisServerMissingError extends Error {
  override readonly name = 'RedisServerMissingError';
  constructor() {
    super(REDIS_SERVER_MISSING);
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** How long a freshly made cluster may take to agree and sync, and a failover to finish. */
const SETTLE_TIMEOUT_MS = 20_000;
const POLL_MS = 50;

export interface RedisProcess {
  port: number;
  url: string;
  /** SIGSTOP: the kernel still accepts connections, but nothing is ever answered. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** SIGKILL, as a crashed or lost node; resolves once the process is gone. */
  kill(): Promise<void>;
}

export interface LocalRedis extends RedisProcess {
  stop(): Promise<void>;
}

export interface LocalRedisCluster {
  /** A seed node's address, as `REDIS_URL` with `REDIS_CLUSTER=true`. */
  url: string;
  nodes: RedisProcess[];
  /** The node that is master of the slot `key` hashes to, now. */
  masterOf(key: string): Promise<RedisProcess>;
  /** Resolves once every slot has a reachable master again and the cluster says ok. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** `count` distinct ports that were free a moment ago (held together, so no repeats). */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer());
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A `CLUSTER SLOTS` row: first slot, last slot, then [host, port, id] of its master. */
type SlotRange = [number, number, [string, number, ...unknown[]]];

/** Polls `check` until it is true; there is no event for "the cluster agrees". */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

class Server implements RedisProcess {
  readonly url: string;
  private readonly exited: Promise<void>;
  private paused = false;

  constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    this.url = `redis://127.0.0.1:${port}`;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  pause(): void {
    this.child.kill('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    this.child.kill('SIGCONT');
    this.paused = false;
  }

  /** Running and answering: neither killed nor paused. */
  isAlive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && !this.paused;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** A short-lived client for setup and inspection (never the client under test). */
  async command(...args: (string | number)[]): Promise<unknown> {
    const redis = new Redis(this.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1_000,
      commandTimeout: 1_000,
    });
    redis.on('error', () => {});
    try {
      await redis.connect();
      const [name, ...rest] = args;
      return await redis.call(String(name), ...rest);
    } finally {
      redis.disconnect();
    }
  }
}

/**
 * Starts one redis-server on `port` with `extra` arguments; resolves once it accepts
 * connections. `port` (and a cluster's bus port) come from `freePorts`: another process
 * may take one between the probe and the bind, which fails the start with that reason.
 */
async function spawnServer(dir: string, port: number, extra: string[] = []): Promise<Server> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  args.push('--dir', dir, '--logfile', '', '--daemonize', 'no', ...extra);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const started = await new Promise<boolean>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new RedisServerMissingError() : error),
    );
    child.once('exit', () => resolve(false));
    child.stdout?.on('data', (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join('').includes('Ready to accept connections')) resolve(true);
    });
  });
  if (!started) throw new Error(`redis-server did not start:\n${output.join('').slice(-2000)}`);
  // Its log is no longer needed, but the pipes must keep draining.
  child.stdout?.removeAllListeners('data').resume();
  child.stderr?.resume();
  const server = new Server(port, child);
  stopOnExit(server);
  return server;
}

const running = new Set<Server>();

/** A test run that dies still takes its servers with it. */
function stopOnExit(server: Server): void {
  if (running.size === 0) {
    process.once('exit', () => {
      for (const s of running) void s.kill();
    });
  }
  running.add(server);
}

async function stopAll(servers: Server[], dir: string): Promise<void> {
  await Promise.all(servers.map((s) => s.kill()));
  for (const s of servers) running.delete(s);
  await rm(dir, { recursive: true, force: true });
}

/**
 * A standalone Redis of the test's own, on `port` when given (a restart on the port of a
 * stopped one keeps its clients' URL), else on a free port.
 */
export async function startRedisServer(port?: number): Promise<LocalRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-redis-'));
  const chosen = port ?? (await freePorts(1))[0]!;
  const server = await spawnServer(dir, chosen).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return Object.assign(server, { stop: () => stopAll([server], dir) });
}

/**
 * Deletes every key of a Redis the caller started (by SCAN and UNLINK, never FLUSHALL),
 * as a flush or a failover to an empty node would.
 */
export async function emptyOwnRedis(server: LocalRedis): Promise<void> {
  const redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** What `redis-cli --cluster create` does, without its one-second polls. */
async function formCluster(
  servers: Server[],
  masters: number,
  busPort: (i: number) => number,
): Promise<void> {
  const ids = await Promise.all(
    servers.map(async (s, i) => {
      // Distinct epochs up front, as redis-cli sets them, so no collision has to be resolved.
      await s.command('CLUSTER', 'SET-CONFIG-EPOCH', i + 1);
      return String(await s.command('CLUSTER', 'MYID'));
    }),
  );
  const slots = 16_384;
  await Promise.all(
    servers.slice(0, masters).map((s, i) => {
      const from = Math.floor((i * slots) / masters);
      const to = Math.floor(((i + 1) * slots) / masters) - 1;
      return s.command('CLUSTER', 'ADDSLOTSRANGE', from, to);
    }),
  );
  // Every pair meets directly rather than through gossip, which takes a second or more.
  await Promise.all(
    servers.flatMap((a, i) =>
      servers
        .slice(i + 1)
        .map((b, j) => a.command('CLUSTER', 'MEET', '127.0.0.1', b.port, busPort(i + 1 + j))),
    ),
  );
  await until('every node to know every other', async () => {
    for (const s of servers) {
      const nodes = String(await s.command('CLUSTER', 'NODES'))
        .trim()
        .split('\n');
      if (nodes.length < servers.length || nodes.some((line) => /handshake|noaddr/.test(line))) {
        return false;
      }
    }
    return true;
  });
  await Promise.all(
    servers.slice(masters).map((s, i) => s.command('CLUSTER', 'REPLICATE', ids[i % masters]!)),
  );
}

/**
 * A Redis Cluster of `masters` masters with one replica each. The node timeout is short
 * (1 s) so that a failover takes a few seconds, and a replica may take over whatever its
 * replication lag.
 */
export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-redis-cluster-'));
  const servers: Server[] = [];
  try {
    const ports = await freePorts(masters * 4);
    const started = await Promise.allSettled(
      Array.from({ length: masters * 2 }, (_, i) =>
        spawnServer(dir, ports[2 * i]!, [
          '--cluster-enabled',
          'yes',
          '--cluster-port',
          String(ports[2 * i + 1]),
          '--cluster-config-file',
          `nodes-${i}.conf`,
          '--cluster-node-timeout',
          '1000',
          '--cluster-replica-validity-factor',
          '0',
          // Replicas sync at once, not after the default 5 s wait for more of them.
          '--repl-diskless-sync-delay',
          '0',
        ]),
      ),
    );
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await formCluster(servers, masters, (i) => ports[2 * i + 1]!);
  } catch (error) {
    await stopAll(servers, dir);
    throw error;
  }

  const alive = () => servers.filter((s) => s.isAlive());
  const cluster: LocalRedisCluster = {
    url: servers[0]!.url,
    nodes: servers,
    async masterOf(key) {
      const seed = alive()[0]!;
      const slot = Number(await seed.command('CLUSTER', 'KEYSLOT', key));
      const ranges = (await seed.command('CLUSTER', 'SLOTS')) as SlotRange[];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      const port = range?.[2][1];
      const master = servers.find((s) => s.port === port);
      if (!master) throw new Error(`no master serves slot ${slot}`);
      return master;
    },
    async settled() {
      await until('every slot to have a live master, replicas in sync', async () => {
        const live = new Set(alive().map((s) => s.port));
        for (const s of alive()) {
          const info = String(await s.command('CLUSTER', 'INFO'));
          if (!info.includes('cluster_state:ok')) return false;
          // Until a failed master's replica has taken over, the survivors still list it.
          const ranges = (await s.command('CLUSTER', 'SLOTS')) as SlotRange[];
          if (ranges.some(([, , [, port]]) => !live.has(port))) return false;
          const replication = String(await s.command('INFO', 'replication'));
          if (
            replication.includes('role:slave') &&
            !replication.includes('master_link_status:up')
          ) {
            return false;
          }
        }
        return true;
      });
    },
    stop: () => stopAll(servers, dir),
  };
  await cluster.settled().catch(async (error: unknown) => {
    await cluster.stop();
    throw error;
  });
  return cluster;
}
