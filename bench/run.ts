/**
 * `npm run bench [-- --quick] [-- --only steady,big-room]`: runs the benchmark scenarios one
 * after another and writes bench/results/<timestamp>/{report.json,report.md,latency.svg},
 * copied to bench/results/latest/. `--only soak [--minutes 30]` runs the soak, which no
 * other run includes (it takes half an hour).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parley_bench, created if
 * missing), REDIS_URL (default redis://127.0.0.1:6379; every key under `bench:<runid>:`,
 * deleted at the end), BENCH_VERBOSE=1 to echo the servers' output.
 *
 * Exit code: 0 when the run completed (missed targets are reported, not failures); 1 when a
 * scenario crashed, or in --quick mode (the CI smoke check) when anything was lost: a row
 * whose metric starts with "lost" is above zero.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { CRASH_NOTE, fdLimit } from './compare.js';
import { generatorLoopDelays } from './load.js';
import { LOOP_DELAY_GOAL_MS } from './loop-delay.js';
import { type RunInfo, renderLatencySvg, renderMarkdown, type ScenarioOutcome } from './report.js';
import type { BenchContext, Scenario, ScenarioResult } from './scenario.js';
import { P99_LIMIT_MS } from './scenarios/load-rows.js';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
/** In running order; the first four are measured by this runner, the rest by their authors. */
const SCENARIOS = [
  'floor',
  'steady',
  'saturation',
  'big-room',
  'connections',
  'store-work',
  'presence',
  'typing-steady',
  'flood',
  'cold-start',
  'history',
  'capacity',
];
/** Run only when named in --only: too long for a full run (and never in CI). */
const OPT_IN = ['soak'];
/** Open files wanted: 20,000 connections on each end plus the stores. */
const WANTED_FDS = 65_536;

const started = Date.now();
const say = (message: string) => {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[bench ${t}s] ${message}`);
};

function parseArgs(argv: string[]) {
  let quick = false;
  let only: string[] | undefined;
  let minutes: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--quick') quick = true;
    else if (arg === '--minutes' || arg.startsWith('--minutes=')) {
      const value = arg === '--minutes' ? argv[++i] : arg.slice(10);
      minutes = Number(value);
      if (!(minutes > 0)) throw new Error(`--minutes takes a positive number, not ${value}`);
    } else if (arg === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (arg.startsWith('--only=')) only = arg.slice(7).split(',').filter(Boolean);
    else if (arg === '--') continue;
    else throw new Error(`unknown argument ${arg} (use --quick, --only name,name, --minutes N)`);
  }
  const known = [...SCENARIOS, ...OPT_IN];
  const unknown = only?.filter((name) => !known.includes(name)) ?? [];
  if (unknown.length) {
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  return { quick, only, minutes };
}

/**
 * The 20,000-connection steps need more open files than the usual 1,024 (or 20,000) on both
 * ends. Children inherit the limit, so raising it here covers the servers too. Raising the
 * hard limit needs root (or CAP_SYS_RESOURCE); otherwise the scenarios cap their sizes.
 */
function raiseFdLimit() {
  const before = fdLimit();
  if (before >= WANTED_FDS) return;
  try {
    execFileSync('prlimit', [`--pid=${process.pid}`, `--nofile=${WANTED_FDS}:${WANTED_FDS}`], {
      stdio: 'ignore',
    });
  } catch {
    // Reported below.
  }
  const after = fdLimit();
  if (after > before) say(`open-files limit raised from ${before} to ${after}`);
  else {
    say(
      `open-files limit is ${before} and could not be raised (run \`ulimit -n ${WANTED_FDS}\` as a user allowed to); connection counts are capped to fit`,
    );
  }
}

async function ensureDatabase(url: string) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `cannot reach PostgreSQL at ${admin.host}: ${String(error)} (set DATABASE_URL)`,
    );
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      say(`created database ${name}`);
    }
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? '?';
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
    say(`deleted ${deleted} Redis keys under ${prefix}`);
  } catch (error) {
    say(`could not delete Redis keys under ${prefix}: ${String(error)}`);
  } finally {
    redis.disconnect();
  }
}

async function redisVersion(redisUrl: string) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } catch (error) {
    throw new Error(`cannot reach Redis at ${redisUrl}: ${String(error)} (set REDIS_URL)`);
  } finally {
    redis.disconnect();
  }
}

async function loadScenario(name: string): Promise<Scenario | string> {
  const file = path.join(BENCH_DIR, 'scenarios', `${name}.ts`);
  if (!existsSync(file)) return `bench/scenarios/${name}.ts is not there`;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const camel = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  const fn =
    mod.default ??
    mod[camel] ??
    mod.scenario ??
    Object.values(mod).find((v) => typeof v === 'function');
  return typeof fn === 'function'
    ? (fn as Scenario)
    : `bench/scenarios/${name}.ts exports no scenario`;
}

const loadText = (load: number[]) => load.map((v) => v.toFixed(2)).join(', ');

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

/** Whether a quick run lost anything, by the "lost ..." rows. */
function lostSomething(result: ScenarioResult): string[] {
  const out: string[] = [];
  for (const r of result.rows) {
    if (!/^lost/i.test(r.metric)) continue;
    for (const [who, v] of [
      ['Parley', r.parley],
      ['peer', r.peer],
    ] as const) {
      if (typeof v === 'number' && v > 0) out.push(`${result.name}: ${who} ${r.metric} = ${v}`);
    }
  }
  return out;
}

async function main() {
  const { quick, only, minutes } = parseArgs(process.argv.slice(2));
  const loadAtStart = os.loadavg();
  raiseFdLimit();
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley_bench';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').replace('Z', '');
  const runId = stamp.replace(/\D/g, '').slice(2, 14);
  const redisPrefix = `bench:${runId}:`;
  const resultsDir = path.join(BENCH_DIR, 'results', stamp);
  await mkdir(resultsDir, { recursive: true });

  say(
    `${quick ? 'quick' : 'full'} run ${runId}; results in ${path.relative(process.cwd(), resultsDir)}`,
  );
  const [pgVersion, redisV] = await Promise.all([
    ensureDatabase(databaseUrl),
    redisVersion(redisUrl),
  ]);
  const safeDb = new URL(databaseUrl);
  safeDb.password = '';
  say(
    `PostgreSQL ${pgVersion} (${safeDb.host}${safeDb.pathname}), Redis ${redisV}, prefix ${redisPrefix}`,
  );

  const ctx: BenchContext = {
    quick,
    log: say,
    databaseUrl,
    redisUrl,
    redisPrefix,
    resultsDir,
    ...(minutes === undefined ? {} : { minutes }),
  };
  const cleanUp = () => deleteRedisKeys(redisUrl, redisPrefix);
  process.once('SIGINT', () => {
    say("interrupted: stopping the servers and deleting this run's Redis keys");
    void cleanUp().finally(() => process.exit(130));
  });

  const outcomes: ScenarioOutcome[] = [];
  const failures: string[] = [];
  const startedAt = new Date().toISOString();
  try {
    for (const name of only ?? SCENARIOS) {
      const scenario = await loadScenario(name);
      if (typeof scenario === 'string') {
        say(`${name}: SKIPPED, ${scenario}`);
        outcomes.push({ file: name, status: 'skipped', seconds: 0, error: scenario });
        continue;
      }
      say(`=== ${name} ===`);
      const t0 = Date.now();
      try {
        const result = await scenario(ctx);
        const crashes = (result.notes ?? []).filter((n) => n.startsWith(CRASH_NOTE));
        const seconds = (Date.now() - t0) / 1000;
        outcomes.push({ file: name, status: crashes.length ? 'crashed' : 'ok', seconds, result });
        failures.push(...crashes.map((c) => `${name}: ${c}`));
        if (quick) failures.push(...lostSomething(result));
        if (result.asserts) {
          for (const r of result.rows) {
            if (r.pass === false)
              failures.push(`${name}: ${r.metric} missed ${r.target ?? 'its target'}`);
          }
        }
        say(`${name}: done in ${seconds.toFixed(1)} s${crashes.length ? ' (with a crash)' : ''}`);
      } catch (error) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        say(`${name}: CRASHED: ${text}`);
        outcomes.push({
          file: name,
          status: 'crashed',
          seconds: (Date.now() - t0) / 1000,
          error: text.split('\n')[0] ?? text,
        });
        failures.push(`${name}: crashed: ${text.split('\n')[0]}`);
      }
    }
  } finally {
    await cleanUp();
  }

  const info: RunInfo = {
    runId,
    startedAt,
    finishedAt: new Date().toISOString(),
    quick,
    machine: {
      cpu: `${os.cpus().length} x ${os.cpus()[0]?.model ?? '?'}`,
      memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      postgres: pgVersion,
      redis: redisV,
      'open files': fdLimit(),
      // Other tenants of the cores move every latency: say how busy the machine was.
      'load average (1, 5, 15 min) at start': loadText(loadAtStart),
      'load average (1, 5, 15 min) at end': loadText(os.loadavg()),
      commit: gitCommit(),
    },
    ...(generatorLoopDelays.length
      ? {
          generator: `worker threads; event-loop delay p99 ${generatorLoopDelays
            .map((d) => `${d.p99Ms.toFixed(2)} ms (${d.label})`)
            .join(', ')}; goal < ${LOOP_DELAY_GOAL_MS} ms at the steady load`,
        }
      : {}),
  };
  const steadyResult = outcomes.find((o) => o.result?.name === 'steady')?.result;
  const withSeries = steadyResult?.series?.length
    ? steadyResult
    : outcomes.find((o) => o.result?.series?.length)?.result;
  const chart = withSeries?.series?.length
    ? renderLatencySvg(`Delivery latency: ${withSeries.title}`, withSeries.series, P99_LIMIT_MS)
    : undefined;

  await writeFile(
    path.join(resultsDir, 'report.json'),
    `${JSON.stringify({ ...info, failures, scenarios: outcomes }, null, 2)}\n`,
  );
  await writeFile(
    path.join(resultsDir, 'report.md'),
    renderMarkdown(info, outcomes, chart !== undefined),
  );
  if (chart) await writeFile(path.join(resultsDir, 'latency.svg'), chart);
  const latest = path.join(BENCH_DIR, 'results', 'latest');
  await rm(latest, { recursive: true, force: true });
  await cp(resultsDir, latest, { recursive: true });
  say(
    `report: ${path.relative(process.cwd(), path.join(resultsDir, 'report.md'))} (and bench/results/latest/)`,
  );

  if (failures.length) {
    say(`FAILED:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    say('completed');
  }
}

main()
  .catch((error: unknown) => {
    say(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(() => {
    // A client library's leftover handle must not keep a finished run alive.
    setTimeout(() => process.exit(), 2_000).unref();
  });
