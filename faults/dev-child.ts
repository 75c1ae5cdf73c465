/**
 * `npm run dev` as a child process on a temporary DATA_DIR, as a user runs it (embedded
 * PostgreSQL and DynamoDB, the in-process cache), for the `kill -9` fault: it can be
 * killed mid-load and started again on the same data and port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeArgsOfScript } from '../bench/servers.js';
import { signDevToken } from '../functions/auth/sign-token.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.join(HERE, '..');
const MEMORY_REPORT = path.join(HERE, 'memory-report.ts');
const JWT_SECRET = 'parley-faults-dev-secret';
/** What `memory-report.ts` prints on SIGUSR2, bytes. */
export interface MemoryReport {
  heapUsed: number;
  rss: number;
}
const MEMORY_LINE = /\[memory\] (\{[^\n]*\})/g;
const START_TIMEOUT_MS = 120_000;
/** Variables of this process that would point the child at other stores. */
const INHERITED = ['DATABASE_URL', 'REDIS_URL', 'DYNAMODB_ENDPOINT', 'CALLBACK_URL'];

export interface DevChild {
  url: string;
  token(userId: string): Promise<string>;
  /** Whether the process is running (it has not exited since its last start). */
  alive(): boolean;
  /** A full GC in the child, then its heap and RSS. */
  memory(): Promise<MemoryReport>;
  /** SIGKILL: no shutdown, its embedded PostgreSQL orphaned, as a crash leaves it. */
  kill(): Promise<void>;
  /** Starts it again on the same DATA_DIR and port; resolves once it is ready. */
  start(): Promise<void>;
  /** SIGTERM (a clean stop), then the DATA_DIR is removed. */
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function startDevChild(): Promise<DevChild> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-faults-dev-'));
  // As root, the embedded PostgreSQL runs as `postgres`, which must be able to enter it.
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    JWT_SECRET,
  };
  for (const name of INHERITED) delete env[name];
  let child: ChildProcess | undefined;
  const memoryWaiters: ((report: MemoryReport) => void)[] = [];

  const start = async () => {
    // The dev script's node flags, as a user runs it, and a memory report on SIGUSR2.
    const dev = nodeArgsOfScript('dev');
    const args = [...dev.flags, '--expose-gc', '--import', MEMORY_REPORT, dev.entry];
    const started = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('npm run dev did not start')),
        START_TIMEOUT_MS,
      );
      const onData = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-4000);
        for (const match of chunk.toString().matchAll(MEMORY_LINE)) {
          const report = JSON.parse(match[1] ?? '{}') as MemoryReport;
          for (const waiter of memoryWaiters.splice(0)) waiter(report);
        }
        if (/ready in \d+ ms/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      started.stdout?.on('data', onData);
      started.stderr?.on('data', onData);
      started.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`npm run dev exited (${signal ?? code}):\n${output}`));
      });
    });
  };
  const exited = (process_: ChildProcess) =>
    process_.exitCode !== null || process_.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => process_.once('exit', () => resolve()));

  await start();
  return {
    url: `ws://127.0.0.1:${port}`,
    token: (userId) => signDevToken(JWT_SECRET, userId),
    start,
    alive: () => child !== undefined && child.exitCode === null && child.signalCode === null,
    memory() {
      return new Promise((resolve, reject) => {
        if (!child || child.exitCode !== null)
          return reject(new Error('npm run dev is not running'));
        memoryWaiters.push(resolve);
        child.kill('SIGUSR2');
      });
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
    async close() {
      if (child) {
        child.kill('SIGTERM');
        await exited(child);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
