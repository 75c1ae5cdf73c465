/**
 * `npm run dev` as a user starts it: the `dev` script's own node flags and entry
 * (`local/dev.ts`), which starts its embedded DynamoDB in a child process; its own
 * DATA_DIR; the bench's PostgreSQL and Redis (docs/performance.md: real ones); and the
 * variables a scenario adds (capacity: `PARLEY_AWS_LIMITS=1`). Every scenario's Parley is
 * this. The bench adds only its instruments (servers.ts, `measurementFlags`) and rate limits
 * no load generator reaches (local/roomy-rate-limits.ts).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOMY_RATE_LIMITS } from '../local/roomy-rate-limits.js';
import type { BenchContext } from './scenario.js';
import {
  BENCH_JWT_SECRET,
  describeSystem,
  heapProbe,
  measurementFlags,
  nodeArgsOfScript,
  type SystemUnderTest,
  trackChild,
} from './servers.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const START_TIMEOUT_MS = 120_000;

/** A free TCP port on loopback (the dev server takes PORT, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

export interface DevServer extends SystemUnderTest {
  /** The dev server's output so far (its banner says which limits are on). */
  output(): string[];
}

export async function startDevServer(
  ctx: BenchContext,
  env: Record<string, string>,
  tag: string,
): Promise<DevServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-bench-dev-'));
  const dev = nodeArgsOfScript('dev');
  const measure = measurementFlags();
  const args = [...measure.before, ...dev.flags, ...measure.imports, dev.entry];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      DATABASE_URL: ctx.databaseUrl,
      REDIS_URL: ctx.redisUrl,
      REDIS_KEY_PREFIX: `${ctx.redisPrefix}${tag}:`,
      JWT_SECRET: BENCH_JWT_SECRET,
      // Load is many clients sending faster than people: measure throughput, not the
      // limits (the buckets are still charged, so their cost is in the figures).
      ...ROOMY_RATE_LIMITS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { exit, lines, crashed, stop } = trackChild(ctx, child, 'dev');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`npm run dev did not start in ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    lines.on('line', (line: string) => {
      if (/ready in \d+ ms/.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error(`npm run dev ${crashed() ?? 'exited'}`));
    });
  }).catch(async (error: unknown) => {
    await stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...describeSystem({
      name: 'parley',
      label: 'Parley (npm run dev)',
      pid: child.pid ?? -1,
      port,
      crashed,
      ...heapProbe(child, lines),
      async stop() {
        await stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    }),
    output: () => lines.seen(),
  };
}
