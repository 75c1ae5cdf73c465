/**
 * Soak: Parley (`npm run dev`) under moderate load for `--minutes` (default 30): 500 clients
 * in 50 rooms of 10 sending 250 msg/s, while every cycle 20 more clients connect, join a
 * room and leave (the $connect/$disconnect and join paths, where a leak would be). Every
 * cycle it samples the server's RSS and V8 heap (after a full collection), the connections
 * the server holds on its port, PostgreSQL's connections to the bench database and Redis's
 * connected clients. It asserts (a failing row fails the run): memory and connections flat
 * (bench/flatness.ts), nothing lost. Not in a full run or CI: `npm run bench -- --only soak`.
 * The samples are written to soak-samples.csv beside the report.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { errorCount, errorText, mb, RUN_TAG, row } from '../compare.js';
import { type ChatConnection, createDriver } from '../drivers.js';
import { type Flatness, type FlatnessOptions, flatness, type Sample } from '../flatness.js';
import { closePopulation, connectPopulation, runLoad, sleep, summarize } from '../load.js';
import type { ResultRow, Scenario } from '../scenario.js';
import { type SystemUnderTest, withSystem } from '../servers.js';
import { acceptedConnections } from '../socket-count.js';

const CLIENTS = 500;
const ROOMS = 50;
const RATE = 250;
const CHURN = 20;

interface Figure {
  key: keyof Omit<SoakSample, 't'>;
  label: string;
  unit: string;
  scale: (v: number) => number;
  tolerance: FlatnessOptions;
  tolerance_text: string;
}

interface SoakSample {
  t: number;
  rss: number;
  heap: number;
  serverConnections: number;
  postgres: number;
  redis: number;
}

const FIGURES: Figure[] = [
  {
    key: 'rss',
    label: 'server RSS (after a full GC)',
    unit: 'MB',
    scale: (v) => v / 2 ** 20,
    tolerance: { relTolerance: 0.1 },
    tolerance_text: 'growth <= 10%',
  },
  {
    key: 'heap',
    label: 'server V8 heap used (after a full GC)',
    unit: 'MB',
    scale: (v) => v / 2 ** 20,
    tolerance: { relTolerance: 0.1, absTolerance: 2 * 2 ** 20 },
    tolerance_text: 'growth <= 10% or 2 MB',
  },
  {
    key: 'serverConnections',
    label: 'connections the server holds on its port',
    unit: 'count',
    scale: (v) => v,
    tolerance: { absTolerance: 2 },
    tolerance_text: 'growth <= 2',
  },
  {
    key: 'postgres',
    label: 'PostgreSQL connections to the bench database',
    unit: 'count',
    scale: (v) => v,
    tolerance: { absTolerance: 1 },
    tolerance_text: 'growth <= 1',
  },
  {
    key: 'redis',
    label: 'Redis connected clients (the sampler left out)',
    unit: 'count',
    scale: (v) => v,
    tolerance: { absTolerance: 1 },
    tolerance_text: 'growth <= 1',
  },
];

export const soak: Scenario = async (ctx) => {
  const minutes = ctx.minutes ?? (ctx.quick ? 1 : 30);
  const durationMs = minutes * 60_000;
  // Enough samples to judge a short run too: every 10 s under 10 minutes, else every 30 s.
  const everyMs = minutes < 10 ? 10_000 : 30_000;
  const log = (m: string) => ctx.log(`soak: ${m}`);
  log(
    `${minutes} min: ${CLIENTS} clients in ${ROOMS} rooms, ${RATE} msg/s, ${CHURN} clients connect, join and leave every ${everyMs / 1000} s`,
  );
  const database = new pg.Client({ connectionString: ctx.databaseUrl });
  await database.connect();
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 });

  try {
    return await withSystem(ctx, 'parley', async (system) => {
      const driver = await createDriver(system);
      const tag = `b${RUN_TAG}-soak`;
      const pop = await connectPopulation(driver, { clients: CLIENTS, rooms: ROOMS, tag, log });
      try {
        if (pop.connected < CLIENTS) throw new Error(`only ${pop.connected}/${CLIENTS} connected`);
        const samples: SoakSample[] = [];
        const churnErrors: Record<string, number> = {};
        const t0 = performance.now();
        let running = true;
        const load = runLoad(pop, {
          rate: RATE,
          durationMs,
          drainMs: 15_000,
          tag: `${tag}-load`,
          serverCpu: system.cpuSeconds,
          log,
        }).finally(() => {
          running = false;
        });
        let cycle = 0;
        while (running) {
          const cycleStarted = performance.now();
          await churn(driver.connect.bind(driver), `${tag}-c${cycle}`, pop.roomIds, churnErrors);
          cycle += 1;
          const sample = await takeSample(system, database, redis, (performance.now() - t0) / 1000);
          samples.push(sample);
          log(
            `${sample.t.toFixed(0)} s: RSS ${mb(sample.rss)?.toFixed(1)} MB, heap ${mb(sample.heap)?.toFixed(1)} MB, server connections ${sample.serverConnections}, PostgreSQL ${sample.postgres}, Redis clients ${sample.redis}`,
          );
          const wait = everyMs - (performance.now() - cycleStarted);
          while (running && performance.now() - cycleStarted < everyMs)
            await sleep(Math.min(250, wait));
        }
        const result = await load;
        log(summarize(result));
        await writeSamples(path.join(ctx.resultsDir, 'soak-samples.csv'), samples);

        const verdicts = FIGURES.map((figure) => ({
          figure,
          f: flatness(
            samples.map((s): Sample => ({ t: s.t, value: s[figure.key] })),
            figure.tolerance,
          ),
        }));
        const zero = { target: '= 0', check: (v: number) => v === 0, noRatio: true };
        const rows: ResultRow[] = [
          row('duration', 'min', { parley: minutes }, { noRatio: true }),
          row('samples', 'count', { parley: samples.length }, { noRatio: true }),
          row('messages acked', 'msgs', { parley: result.acked }, { noRatio: true }),
          row('send -> delivery p99', 'ms', { parley: result.delivery[99] }),
          row('lost deliveries', 'msgs', { parley: result.lostDeliveries }, zero),
          row('lost sends (no reply)', 'msgs', { parley: result.lostSends }, zero),
          row('duplicate deliveries', 'msgs', { parley: result.duplicates }, zero),
          row('failed sends', 'count', { parley: errorCount(result.errors) }, zero),
          row(
            'churn clients connected and left',
            'count',
            { parley: cycle * CHURN },
            { noRatio: true },
          ),
          row('churn errors', 'count', { parley: errorCount(churnErrors) }, zero),
          row(
            'generator event-loop delay p99',
            'ms',
            { parley: result.loopDelayP99Ms },
            { noRatio: true, digits: 2 },
          ),
          ...verdicts.flatMap(({ figure, f }) => flatRows(figure, f)),
        ];
        return {
          name: 'soak',
          title: `Soak: ${minutes} min at ${RATE} msg/s, ${CLIENTS} clients in ${ROOMS} rooms, churn ${CHURN} per ${everyMs / 1000} s`,
          rows,
          asserts: true,
          notes: [
            'Flat: the median of the last third of the samples (after the first 20% of the run, the warm-up) is at most the tolerance above the median of the first third. Per hour is the least-squares slope over the same samples.',
            "Server connections are the sockets `npm run dev`'s process accepted on its port (from /proc), its calls to itself left out; they are sampled after each churn cycle has closed, so the expected figure is the population.",
            'PostgreSQL connections are pg_stat_activity rows for the bench database (the sampler left out), the dev server and anything else using that database; Redis clients are INFO clients on the bench Redis, less the sampler.',
            ...(errorText(result.errors)
              ? [`Failed sends by code: ${errorText(result.errors)}.`]
              : []),
            ...(errorText(churnErrors) ? [`Churn errors: ${errorText(churnErrors)}.`] : []),
            ...verdicts
              .filter(({ f }) => !f.flat)
              .map(({ figure, f }) => `${figure.label}: not flat, ${f.reason}.`),
            'Samples: soak-samples.csv beside this report.',
          ],
        };
      } finally {
        await closePopulation(pop);
      }
    });
  } finally {
    redis.disconnect();
    await database.end();
  }
};

/** Start, end, slope and verdict of one sampled figure. */
function flatRows(figure: Figure, f: Flatness): ResultRow[] {
  const s = figure.scale;
  return [
    row(
      `${figure.label}: start (median, first third)`,
      figure.unit,
      { parley: s(f.start) },
      { noRatio: true },
    ),
    row(
      `${figure.label}: end (median, last third)`,
      figure.unit,
      { parley: s(f.end) },
      { noRatio: true, target: `flat: ${figure.tolerance_text}`, check: () => f.flat },
    ),
    row(
      `${figure.label}: trend per hour`,
      figure.unit,
      { parley: s(f.perHour) },
      { noRatio: true },
    ),
  ];
}

/** `count` clients connect, join one of the rooms each, and leave. */
async function churn(
  connect: (userId: string) => Promise<ChatConnection>,
  tag: string,
  roomIds: string[],
  errors: Record<string, number>,
) {
  await Promise.all(
    Array.from({ length: CHURN }, async (_, j) => {
      let conn: ChatConnection | undefined;
      try {
        conn = await connect(`${tag}-u${j}`);
        await conn.join(roomIds[j % roomIds.length] ?? '');
      } catch (error) {
        const code = (error as { code?: string }).code ?? 'connect';
        errors[code] = (errors[code] ?? 0) + 1;
      } finally {
        await conn?.close();
      }
    }),
  );
}

async function takeSample(
  system: SystemUnderTest,
  database: pg.Client,
  redis: Redis,
  t: number,
): Promise<SoakSample> {
  const heap = await system.heapUsedBytes();
  const { rows } = await database.query<{ n: string }>(
    'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const info = await redis.info('clients');
  const clients = Number(/connected_clients:(\d+)/.exec(info)?.[1] ?? Number.NaN);
  return {
    t,
    rss: system.rssBytes() ?? Number.NaN,
    heap: heap ?? Number.NaN,
    serverConnections: acceptedConnections(system.pid, system.port) ?? Number.NaN,
    postgres: Number(rows[0]?.n ?? Number.NaN),
    redis: clients - 1,
  };
}

async function writeSamples(file: string, samples: SoakSample[]) {
  const header =
    't_s,rss_bytes,heap_used_bytes,server_connections,postgres_connections,redis_clients';
  const lines = samples.map((s) =>
    [s.t.toFixed(1), s.rss, s.heap, s.serverConnections, s.postgres, s.redis].join(','),
  );
  await writeFile(file, `${[header, ...lines].join('\n')}\n`);
}

export default soak;
