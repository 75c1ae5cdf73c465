/**
 * The systems under test, each in its own child process so that the load generator is alone
 * in this one: Parley as users start it, `npm run dev` (`bench/dev-server.ts`: the script's
 * own command, its own dynalite child process, the bench's PostgreSQL and Redis) and the
 * Socket.IO peer (`bench/peers/socketio/server.ts`). Each uses its own Redis prefix. Every
 * child is stopped with SIGTERM (then SIGKILL) whatever happens.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevServer } from './dev-server.js';
import type { BenchContext } from './scenario.js';

export type SystemName = 'parley' | 'peer';

export const SYSTEM_LABELS: Record<SystemName, string> = {
  parley: 'Parley',
  peer: 'Socket.IO peer',
};

/**
 * The HS256 secret both systems verify, fresh for every run. The drivers sign with the
 * one a system names (`SystemUnderTest.jwtSecret`), which reaches the generator's worker
 * threads with their target (load-worker.ts).
 */
export const BENCH_JWT_SECRET: string = randomBytes(32).toString('hex');

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
/**
 * The command of an npm script that runs `node <flags> <entry>`, as arguments for
 * `process.execPath`: the benchmark starts `npm run dev` with exactly its flags and entry
 * (without npm in between, so the process measured is the server itself).
 */
export function nodeArgsOfScript(script: string): { flags: string[]; entry: string } {
  const pkg = JSON.parse(readFileSync(path.join(BENCH_DIR, '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [command, ...rest] = (pkg.scripts[script] ?? '').trim().split(/\s+/);
  const entry = rest.pop();
  if (command !== 'node' || entry === undefined) {
    throw new Error(`npm run ${script} is not \`node <flags> <entry>\``);
  }
  return { flags: rest, entry: path.join(BENCH_DIR, '..', entry) };
}

/**
 * Node flags the bench adds to every server it starts, Parley and the peer alike: instruments,
 * not settings. `--expose-gc` and gc-on-signal.ts let it collect garbage and read the heap on
 * SIGUSR2; BENCH_PROFILE=<dir> writes a V8 CPU profile of each server when it stops.
 */
export function measurementFlags(): { before: string[]; imports: string[] } {
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`]
    : [];
  return {
    before: [...profile, '--expose-gc'],
    imports: ['--import', path.join(BENCH_DIR, 'gc-on-signal.ts')],
  };
}

const ENTRIES: Record<SystemName, string> = {
  parley: path.join(BENCH_DIR, '..', 'local', 'dev.ts'),
  peer: path.join(BENCH_DIR, 'peers', 'socketio', 'server.ts'),
};
/** The peer's client helper, loaded by the driver. */
export const PEER_CLIENT = path.join(BENCH_DIR, 'peers', 'socketio', 'client.ts');

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
const CLK_TCK = 100;

export interface SystemUnderTest {
  name: SystemName;
  label: string;
  pid: number;
  port: number;
  /** Where Parley's clients connect: `ws://127.0.0.1:<port>`. */
  wsUrl: string;
  /** Where Socket.IO clients connect: `http://127.0.0.1:<port>`. */
  httpUrl: string;
  /** The HS256 secret it verifies tokens with. */
  jwtSecret: string;
  /** Set when the process ended before `stop()`: its exit and the last lines it printed. */
  crashed(): string | undefined;
  /** Resident memory of the child (VmRSS), bytes; null once it is gone. */
  rssBytes(): number | null;
  /** Runs a full garbage collection in the child (see gc-on-signal.ts), then lets it settle. */
  collectGarbage(): Promise<void>;
  /** V8 heap in use right after a full collection in the child, bytes; null if it is gone. */
  heapUsedBytes(): Promise<number | null>;
  /** CPU time the child has used so far (user + system), seconds; null once it is gone. */
  cpuSeconds(): number | null;
  /** The same for the child and every process it started (Parley's dynalite), seconds. */
  treeCpuSeconds(): number | null;
  stop(): Promise<void>;
}

/** Whether a system can be started here (the peer is written separately; it may be missing). */
export function systemAvailable(name: SystemName): string | undefined {
  if (!existsSync(ENTRIES[name]))
    return `${path.relative(process.cwd(), ENTRIES[name])} is missing`;
  if (name === 'peer' && !existsSync(PEER_CLIENT)) {
    return `${path.relative(process.cwd(), PEER_CLIENT)} is missing`;
  }
  return undefined;
}

const live = new Set<ChildProcess>();
// If the runner dies, the children must not outlive it.
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

let started = 0;

/** Starts one system and resolves once it prints `... listening on <port>`. */
export async function startSystem(ctx: BenchContext, name: SystemName): Promise<SystemUnderTest> {
  const missing = systemAvailable(name);
  if (missing) throw new Error(`${SYSTEM_LABELS[name]} cannot start: ${missing}`);
  started += 1;
  // Parley: `npm run dev` as users start it (its own dynalite process, its own DATA_DIR).
  if (name === 'parley') return startDevServer(ctx, {}, `parley${started}`);
  // A fresh prefix per start: a new server must not meet old cached room sets.
  const prefix = `${ctx.redisPrefix}${name}${started}:`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    DATABASE_URL: ctx.databaseUrl,
    REDIS_URL: ctx.redisUrl,
    JWT_SECRET: BENCH_JWT_SECRET,
    REDIS_PREFIX: prefix,
  };
  // The peer runs with no node flags of its own, as the seed plan has none.
  const measure = measurementFlags();
  const args = [...measure.before, '--import', 'tsx', ...measure.imports, ENTRIES[name]];
  const child = spawn(process.execPath, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { exit, lines, crashed, stop } = trackChild(ctx, child, name);

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${SYSTEM_LABELS[name]} did not start in ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    lines.on('line', (line: string) => {
      const ready = /listening on (\d+)/.exec(line);
      if (ready) {
        clearTimeout(timer);
        resolve(Number(ready[1]));
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`${SYSTEM_LABELS[name]} ${crashed() ?? 'exited'}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return describeSystem({
    name,
    label: SYSTEM_LABELS[name],
    pid: child.pid ?? -1,
    port,
    crashed,
    stop,
    ...heapProbe(child, lines),
  });
}

/** How long a server may take to answer SIGUSR2 with its heap line (a full GC included). */
const HEAP_TIMEOUT_MS = 10_000;

/**
 * `collectGarbage` and `heapUsedBytes` over gc-on-signal.ts: SIGUSR2, then the
 * `bench-heap <used> <total>` line it prints after a full collection.
 */
export function heapProbe(
  child: ChildProcess,
  lines: ChildLines,
): Pick<SystemUnderTest, 'collectGarbage' | 'heapUsedBytes'> {
  const probe = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve(null);
        return;
      }
      const timer = setTimeout(() => done(null), HEAP_TIMEOUT_MS);
      const onLine = (line: string) => {
        const heap = /^bench-heap (\d+)/.exec(line);
        if (heap) done(Number(heap[1]));
      };
      const done = (value: number | null) => {
        clearTimeout(timer);
        lines.off('line', onLine);
        resolve(value);
      };
      lines.on('line', onLine);
      child.kill('SIGUSR2');
    });
  return {
    async collectGarbage() {
      await probe();
      // Let the allocator hand freed pages back before RSS is read.
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
    heapUsedBytes: probe,
  };
}

/** A started server as the scenarios see it: its URLs, and its memory and CPU from /proc. */
export function describeSystem(
  parts: Pick<
    SystemUnderTest,
    'name' | 'label' | 'pid' | 'port' | 'crashed' | 'stop' | 'collectGarbage' | 'heapUsedBytes'
  >,
): SystemUnderTest {
  const { pid, port } = parts;
  return {
    ...parts,
    wsUrl: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    jwtSecret: BENCH_JWT_SECRET,
    rssBytes: () => readRss(pid),
    cpuSeconds: () => readCpuSeconds(pid),
    treeCpuSeconds: () => readTreeCpuSeconds(pid),
  };
}

/** A child's output as lines (each emitted as `line`), the last 40 of them kept. */
export interface ChildLines extends EventEmitter {
  seen(): string[];
}

export interface TrackedChild {
  /** Settles when the child has exited. */
  exit: Promise<void>;
  lines: ChildLines;
  /** Set when it exited before `stop()`: how, and the last lines it printed. */
  crashed(): string | undefined;
  /** SIGTERM, then SIGKILL after STOP_TIMEOUT_MS; resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Follows a child the bench started: its output line by line (echoed with BENCH_VERBOSE=1),
 * how it ended, and a stop that always ends it. It is killed if the runner exits first.
 */
export function trackChild(ctx: BenchContext, child: ChildProcess, name: string): TrackedChild {
  live.add(child);
  const tail: string[] = [];
  let exited: string | undefined;
  let stopping = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (!stopping) exited = `exited (${signal ?? code}); last output:\n${tail.join('\n')}`;
      resolve();
    });
  });
  const lines = Object.assign(new EventEmitter(), { seen: () => [...tail] }) as ChildLines;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (process.env.BENCH_VERBOSE === '1') ctx.log(`  [${name}] ${line}`);
        lines.emit('line', line);
      }
    });
  }
  let stopped: Promise<void> | undefined;
  return {
    exit,
    lines,
    crashed: () => exited,
    stop() {
      stopped ??= (async () => {
        if (exited !== undefined || child.exitCode !== null) return;
        stopping = true;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}

/** Starts a system, runs `fn` with it, and always stops it. */
export async function withSystem<T>(
  ctx: BenchContext,
  name: SystemName,
  fn: (system: SystemUnderTest) => Promise<T>,
): Promise<T> {
  const system = await startSystem(ctx, name);
  ctx.log(`${system.label} started (pid ${system.pid}, port ${system.port})`);
  try {
    return await fn(system);
  } finally {
    const t0 = performance.now();
    await system.stop();
    ctx.log(`${system.label} stopped (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

export function readRss(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** A `/proc/<pid>/stat` line's command name and CPU time (user + system), seconds. */
function parseStat(stat: string): { comm: string; cpuSeconds: number } {
  // The command name may hold spaces; the fields after its closing parenthesis do not.
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return {
    comm: stat.slice(stat.indexOf('(') + 1, close),
    cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLK_TCK,
  };
}

/** CPU time of `pid` and all its descendants (live ones: /proc lists a task's children). */
export function readTreeCpuSeconds(pid: number): number | null {
  const own = readCpuSeconds(pid);
  if (own === null) return null;
  let sum = own;
  for (const child of childPids(pid)) sum += readTreeCpuSeconds(child) ?? 0;
  return sum;
}

function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

export function readCpuSeconds(pid: number): number | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).cpuSeconds;
  } catch {
    return null;
  }
}

export interface StoresCpu {
  postgres: number;
  redis: number;
}

/** Process names (`/proc/<pid>/stat`'s comm) of the stores both systems share. */
const STORE_OF_PROCESS = new Map<string, keyof StoresCpu>([
  ['postgres', 'postgres'],
  ['redis-server', 'redis'],
]);

/**
 * CPU time so far (seconds) of every PostgreSQL process (its backends included) and of
 * Redis, by name from /proc, per process: the per-send work a system leaves to its stores
 * shows here, not in its server. Compare two readings with `storesCpuBetween`.
 */
export function storesCpu(): StoresCpuReading {
  const out: StoresCpuReading = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return out;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    const { comm, cpuSeconds } = parseStat(stat);
    const store = STORE_OF_PROCESS.get(comm);
    if (store) out.set(Number(pid), { store, cpuSeconds });
  }
  return out;
}

/** One reading of `storesCpu`: each store process's CPU seconds so far, by pid. */
export type StoresCpuReading = Map<number, { store: keyof StoresCpu; cpuSeconds: number }>;

/**
 * The stores' CPU seconds between two readings: what each process still alive at `after`
 * spent since `before` (all of it, if it started in between). A process that exited in
 * between is left out rather than subtracted: on a shared machine other PostgreSQL
 * backends and whole servers come and go, and their totals leaving /proc is no negative
 * work. A backend that exits in between takes its time with it; the servers' pools keep
 * theirs for the whole load.
 */
export function storesCpuBetween(before: StoresCpuReading, after: StoresCpuReading): StoresCpu {
  const out: StoresCpu = { postgres: 0, redis: 0 };
  for (const [pid, { store, cpuSeconds }] of after) {
    out[store] += cpuSeconds - (before.get(pid)?.cpuSeconds ?? 0);
  }
  return out;
}

/** The whole machine's CPU time (busy and total), seconds summed over all cores. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}
