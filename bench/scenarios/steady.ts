/**
 * Steady load: 1,000 clients in 100 rooms of 10, 1,000 messages/s for 60 s (quick: 100 clients,
 * 10 rooms, 100 msg/s, 5 s). Latency from the scheduled send to the ack and to every other
 * member, throughput, and whether anything was lost or duplicated.
 *
 * A full run measures each system in three rounds, alternating which goes first: one 60 s
 * window per system let the host decide the verdict, as on shared cores the same code's
 * delivery p99 moves from one minute to the next (docs/decisions/2026-12-06-bench-rounds.md).
 * Each system's round with its median p99 stands for it in the table, and every round's
 * p99 and losses are listed too. Each round runs a 10 s warm-up first, reported on its own
 * row, and opens 20 connections one at a time on the idle server before the 1,000
 * (docs/decisions/2026-12-06-steady-warm-up.md).
 */
import { eachSystemInRounds, type PerSystem, row, typical } from '../compare.js';
import type { Driver } from '../drivers.js';
import {
  closePopulation,
  connectPopulation,
  type LoadResult,
  runLoad,
  summarize,
} from '../load.js';
import { type LatencySeries, percentiles, type ResultRow, type Scenario } from '../scenario.js';
import { SYSTEM_LABELS, type SystemName, type SystemUnderTest } from '../servers.js';
import { positiveIntegerSetting } from '../settings.js';
import { countRows, errorNotes, latencyRows, resourceRows } from './load-rows.js';

interface SteadyRun {
  load: LoadResult;
  /** The run before the measured one, at the same rate (none in a quick run). */
  warmup: LoadResult | undefined;
  connectRate: number;
  connectLatency: Record<number, number>;
  connectCpuMs: number;
  /** Handshake p50 with one opening at a time (none in a quick run), ms. */
  soloConnectMs: number | undefined;
  connected: number;
}

export const steady: Scenario = async (ctx) => {
  const size = ctx.quick
    ? { clients: 100, rooms: 10, rate: 50, seconds: 5, warmupSeconds: 0 }
    : {
        clients: 1_000,
        rooms: 100,
        // BENCH_STEADY_RATE: to see both systems away from the machine's limit
        // (docs/decisions/2026-12-06-steady-warm-up.md).
        rate: positiveIntegerSetting('BENCH_STEADY_RATE', process.env.BENCH_STEADY_RATE, 1_000),
        seconds: 60,
        warmupSeconds: 10,
      };
  const roomSize = size.clients / size.rooms;
  const log = (m: string) => ctx.log(`steady: ${m}`);
  log(
    `${size.clients} clients, ${size.rooms} rooms of ${roomSize}, ${size.rate} msg/s for ${size.seconds} s${size.warmupSeconds ? ` after ${size.warmupSeconds} s of warm-up` : ''}`,
  );

  const measure = async (
    system: SystemUnderTest,
    driver: Driver,
    tag: string,
  ): Promise<SteadyRun> => {
    // What one person opening the app feels: handshakes one at a time on the idle server.
    const soloConnectMs = ctx.quick ? undefined : await oneAtATime(driver, `${tag}s`);
    const pop = await connectPopulation(driver, {
      ...size,
      tag,
      log,
      serverTreeCpu: system.treeCpuSeconds,
    });
    try {
      if (pop.connected < size.clients) {
        throw new Error(`only ${pop.connected}/${size.clients} clients connected`);
      }
      // Not steady yet: a server's first seconds under load, just after 1,000 joins, are its
      // JIT and caches warming (docs/decisions/2026-12-06-steady-warm-up.md). They are run,
      // checked for losses and reported on their own row, not mixed into the steady figures.
      const warmup =
        size.warmupSeconds > 0
          ? await runLoad(pop, {
              rate: size.rate,
              durationMs: size.warmupSeconds * 1000,
              drainMs: 15_000,
              tag: `${tag}w`,
              serverCpu: system.cpuSeconds,
              log: (m) => log(`warm-up: ${m}`),
            })
          : undefined;
      if (warmup) log(`${system.label}: warm-up: ${summarize(warmup)}`);
      const load = await runLoad(pop, {
        rate: size.rate,
        durationMs: size.seconds * 1000,
        drainMs: ctx.quick ? 5_000 : 15_000,
        tag,
        serverCpu: system.cpuSeconds,
        log,
      });
      log(`${system.label}: ${summarize(load)}`);
      return {
        load,
        warmup,
        connectRate: pop.connectRate,
        connectLatency: pop.connectLatency,
        connectCpuMs: pop.connectCpuMs,
        soloConnectMs,
        connected: pop.connected,
      };
    } finally {
      await closePopulation(pop);
    }
  };

  // BENCH_ROUNDS: fewer rounds for a focused look (the verdict wants 3).
  const rounds = ctx.quick
    ? 1
    : positiveIntegerSetting('BENCH_ROUNDS', process.env.BENCH_ROUNDS, 3);
  const { runs, notes } = await eachSystemInRounds(ctx, 'steady', rounds, (_round, ...args) =>
    measure(...args),
  );

  // Each system's round with the median delivery p99 stands for it.
  const results: PerSystem<SteadyRun> = {};
  for (const [name, list] of Object.entries(runs) as [SystemName, SteadyRun[]][]) {
    results[name] = typical(list, (r) => r.load.delivery[99] ?? 0);
  }
  const loads: PerSystem<LoadResult> = {};
  for (const [name, r] of Object.entries(results) as [SystemName, SteadyRun][])
    loads[name] = r.load;
  const series: LatencySeries[] = (Object.entries(loads) as [SystemName, LoadResult][]).map(
    ([name, r]) => ({ label: SYSTEM_LABELS[name], percentiles: r.delivery }),
  );

  return {
    name: 'steady',
    title: `Steady load: ${size.clients} clients, ${size.rooms} rooms of ${roomSize}, ${size.rate} msg/s for ${size.seconds} s`,
    rows: [
      row(
        'clients connected',
        'count',
        {
          parley: results.parley?.connected,
          peer: results.peer?.connected,
        },
        { noRatio: true },
      ),
      row('connect rate', 'conn/s', {
        parley: results.parley?.connectRate,
        peer: results.peer?.connectRate,
      }),
      row(
        'connect (handshake) p50',
        'ms',
        {
          parley: median(runs.parley, (r) => r.connectLatency[50]),
          peer: median(runs.peer, (r) => r.connectLatency[50]),
        },
        {
          target: '<= 1.5x peer',
          check: (v, peer) => peer === undefined || v <= 1.5 * peer,
          digits: 1,
        },
      ),
      row('connect (handshake) p50, one at a time on the idle server', 'ms', {
        parley: median(runs.parley, (r) => r.soloConnectMs),
        peer: median(runs.peer, (r) => r.soloConnectMs),
      }),
      row('server CPU per handshake (helper processes included), median of rounds', 'ms', {
        parley: median(runs.parley, (r) => r.connectCpuMs),
        peer: median(runs.peer, (r) => r.connectCpuMs),
      }),
      row('connect (handshake) p99', 'ms', {
        parley: median(runs.parley, (r) => r.connectLatency[99]),
        peer: median(runs.peer, (r) => r.connectLatency[99]),
      }),
      ...latencyRows(loads),
      ...(size.warmupSeconds > 0
        ? [
            row(
              `warm-up (first ${size.warmupSeconds} s) send -> delivery p99, median of rounds`,
              'ms',
              {
                parley: median(runs.parley, (r) => r.warmup?.delivery[99]),
                peer: median(runs.peer, (r) => r.warmup?.delivery[99]),
              },
            ),
          ]
        : []),
      ...countRows(loads, size.rate * (roomSize - 1)),
      ...resourceRows(loads),
      ...(rounds > 1 ? roundRows(runs, rounds) : []),
    ],
    series,
    notes: [
      ...notes,
      ...(rounds > 1
        ? [
            `${rounds} rounds per system, alternating which system goes first; the rows above are each system's round with its median delivery p99 (the connect p50 and p99 rows: the median over the rounds), and the rows "round k" list every round (k-th of each system).`,
          ]
        : []),
      ...(size.warmupSeconds > 0
        ? [
            `Each round first runs ${size.warmupSeconds} s at the same rate (warm-up), then the measured ${size.seconds} s: the warm-up's p99 has its own row and its losses count in the "lost" row.`,
          ]
        : []),
      'Latencies are measured from the scheduled send time (open loop, fixed interval), so a stall is charged to every message queued behind it.',
      'Each system runs alone on the machine; PostgreSQL and Redis are shared and run on the same cores.',
      "Connect (handshake) is each connection's WebSocket (Parley: with the authorizer and $connect) or Socket.IO handshake, 100 opening at once, the token made before the clock starts.",
      "The generator spreads its clients over worker threads (bench/load-split.ts); its event-loop delay is the worst thread's p99.",
      ...errorNotes(loads),
    ],
  };
};

/** Handshake p50 of 20 connections opened one after another, then closed. */
async function oneAtATime(driver: Driver, tag: string): Promise<number | undefined> {
  const pop = await connectPopulation(driver, {
    clients: 20,
    rooms: 1,
    tag,
    join: false,
    concurrency: 1,
  });
  try {
    return pop.connectLatency[50];
  } finally {
    await closePopulation(pop);
  }
}

/** The median over a system's rounds of one figure (each round connects its own clients). */
function median(list: SteadyRun[] | undefined, f: (r: SteadyRun) => number | undefined) {
  const values = (list ?? [])
    .map(f)
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
  return values.length ? percentiles(values, [50])[50] : undefined;
}

/** Every round's delivery p99, and what any round lost, so the median hides nothing. */
function roundRows(runs: PerSystem<SteadyRun[]>, rounds: number): ResultRow[] {
  const rows: ResultRow[] = [];
  for (let k = 0; k < rounds; k++) {
    rows.push(
      row(`send -> delivery p99, round ${k + 1}`, 'ms', {
        parley: runs.parley?.[k]?.load.delivery[99],
        peer: runs.peer?.[k]?.load.delivery[99],
      }),
    );
  }
  // Round k of each system ran minutes apart at most, so their ratio sees the same host more
  // nearly than the two medians do (docs/decisions/2026-12-06-steady-warm-up.md).
  const ratios: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const a = runs.parley?.[k]?.load.delivery[99];
    const b = runs.peer?.[k]?.load.delivery[99];
    if (a !== undefined && b !== undefined && b > 0) ratios.push(a / b);
  }
  if (ratios.length > 0) {
    rows.push(
      row(
        'delivery p99, Parley / peer in the same round, median',
        'x',
        { parley: percentiles(ratios, [50])[50] },
        { noRatio: true, digits: 2 },
      ),
    );
  }
  const lost = (r: LoadResult | undefined) =>
    r ? r.lostDeliveries + r.lostSends + r.duplicates + r.unexpected : 0;
  const faults = (list: SteadyRun[] | undefined) =>
    list?.reduce((sum, r) => sum + lost(r.load) + lost(r.warmup), 0);
  rows.push(
    row(
      'lost, duplicate or unexpected, all rounds (warm-ups included)',
      'msgs',
      { parley: faults(runs.parley), peer: faults(runs.peer) },
      { target: '= 0', check: (v) => v === 0, noRatio: true },
    ),
  );
  return rows;
}

export default steady;
