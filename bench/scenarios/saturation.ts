/**
 * Saturation: the steady population, with the message rate stepped up (300, 400, ... 1,000,
 * then by 250 to 2,500, then 3,000, 4,000, 8,000 msg/s) until a step is not sustained: p99 delivery over
 * 250 ms, anything lost or refused, or the acks falling behind the offered rate. The highest sustained rate is the
 * figure; each step's p99 is shown beside it. Quick: two small steps.
 *
 * A full run climbs three times per system, alternating which system goes first: the
 * whole ladder once, then twice more from two steps below that system's first ceiling.
 * Each system's figure is the median of its three ceilings: with one climb each, the
 * verdict changed on the same host an hour apart (docs/decisions/2026-12-06-bench-rounds.md).
 */
import { eachSystemInRounds, type PerSystem, row, typical } from '../compare.js';
import type { Driver } from '../drivers.js';
import {
  closePopulation,
  connectPopulation,
  type LoadResult,
  runLoad,
  sleep,
  summarize,
} from '../load.js';
import type { ResultRow, Scenario } from '../scenario.js';
import { SYSTEM_LABELS, type SystemName, type SystemUnderTest } from '../servers.js';
import { P99_LIMIT_MS } from './load-rows.js';

interface Step {
  rate: number;
  load: LoadResult;
  sustained: boolean;
  why: string;
}

/** Why a step was not sustained, or '' when it was. */
function verdict(r: LoadResult): string {
  const p99 = r.delivery[99] ?? Number.NaN;
  if (!(p99 <= P99_LIMIT_MS)) return `p99 delivery ${p99.toFixed(0)} ms`;
  if (r.lostDeliveries > 0 || r.lostSends > 0) {
    return `lost ${r.lostDeliveries} deliveries, ${r.lostSends} sends`;
  }
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  if (errors > 0) return `${errors} error replies`;
  if (r.ackedPerSecond < 0.95 * r.targetRate) return `acked only ${r.ackedPerSecond.toFixed(0)}/s`;
  if (!r.drained) return 'did not drain';
  return '';
}

export const saturation: Scenario = async (ctx) => {
  const size = ctx.quick
    ? { clients: 50, rooms: 5, rates: [20, 50], seconds: 2, drainMs: 3_000 }
    : {
        clients: 1_000,
        rooms: 100,
        // Fine steps up to 3,000, where two cores saturate (on a slower host near 1,000, on a
        // faster one near 2,000), so the figure says more than "1,000 or 2,000".
        rates: [
          300, 400, 500, 600, 700, 800, 900, 1_000, 1_250, 1_500, 1_750, 2_000, 2_250, 2_500, 3_000,
          4_000, 8_000,
        ],
        seconds: 10,
        drainMs: 5_000,
      };
  const log = (m: string) => ctx.log(`saturation: ${m}`);
  log(
    `${size.clients} clients in ${size.rooms} rooms; steps ${size.rates.join(', ')} msg/s, ${size.seconds} s each`,
  );

  const climb = async (
    rates: readonly number[],
    system: SystemUnderTest,
    driver: Driver,
    tag: string,
  ): Promise<Step[]> => {
    const pop = await connectPopulation(driver, {
      clients: size.clients,
      rooms: size.rooms,
      tag,
      log,
    });
    const steps: Step[] = [];
    try {
      for (const [i, rate] of rates.entries()) {
        const load = await runLoad(pop, {
          rate,
          durationMs: size.seconds * 1000,
          drainMs: size.drainMs,
          tag: `${tag}-s${i}`,
          serverCpu: system.cpuSeconds,
        });
        const why = verdict(load);
        steps.push({ rate, load, sustained: why === '', why });
        log(`${system.label}: ${summarize(load)}${why ? ` -> NOT sustained (${why})` : ''}`);
        if (why) break;
        // Let whatever is still queued anywhere settle before the next step.
        await sleep(1_000);
      }
    } finally {
      await closePopulation(pop);
    }
    return steps;
  };

  const rounds = ctx.quick ? 1 : 3;
  /** Each system's first climb (the whole ladder), once it has run. */
  const firstClimbs: PerSystem<Step[]> = {};
  /** Where a system's later climbs start: two steps below its first ceiling. */
  const restartAt = (name: SystemName): readonly number[] => {
    const first = firstClimbs[name];
    const top = first ? size.rates.indexOf(ceiling(first)) : -1;
    return size.rates.slice(Math.max(0, top - 2));
  };
  const { runs: climbs, notes } = await eachSystemInRounds(
    ctx,
    'saturation',
    rounds,
    async (round, system, driver, tag) => {
      const steps = await climb(
        round === 1 ? size.rates : restartAt(system.name),
        system,
        driver,
        tag,
      );
      if (round === 1) firstClimbs[system.name] = steps;
      return steps;
    },
  );
  // The whole ladder (the first climb) gives the per-step rows and notes.
  const results = firstClimbs;
  const best: PerSystem<number> = {};
  const ceilings: PerSystem<number[]> = {};
  for (const [name, list] of Object.entries(climbs) as [SystemName, Step[][]][]) {
    ceilings[name] = list.map(ceiling);
    best[name] = typical(ceilings[name] ?? [], (c) => -c) ?? 0;
  }
  // The issue's target: at least the peer's; alone, at least the steady scenario's rate.
  const alone = ctx.quick ? (size.rates[1] ?? 0) : 1_000;
  const rows: ResultRow[] = [
    row(
      rounds > 1 ? `highest sustained rate, median of ${rounds} climbs` : 'highest sustained rate',
      'msgs/s',
      best,
      {
        target: `>= peer (alone: >= ${alone} msg/s)`,
        check: (v, peer) => v >= (peer ?? alone),
      },
    ),
  ];
  if (rounds > 1) {
    for (let k = 0; k < rounds; k++) {
      rows.push(
        row(`highest sustained rate, climb ${k + 1}`, 'msgs/s', {
          parley: ceilings.parley?.[k],
          peer: ceilings.peer?.[k],
        }),
      );
    }
  }
  for (const rate of size.rates) {
    const at = (name: SystemName) => results[name]?.find((s) => s.rate === rate)?.load;
    if (!at('parley') && !at('peer')) continue;
    rows.push(
      row(`delivery p99 at ${rate} msg/s`, 'ms', {
        parley: at('parley')?.delivery[99],
        peer: at('peer')?.delivery[99],
      }),
      row(`server CPU at ${rate} msg/s`, '% of a core', {
        parley: (at('parley')?.serverCpu ?? Number.NaN) * 100,
        peer: (at('peer')?.serverCpu ?? Number.NaN) * 100,
      }),
      row(
        `generator CPU at ${rate} msg/s`,
        '% of a core',
        {
          parley: (at('parley')?.generatorCpu ?? Number.NaN) * 100,
          peer: (at('peer')?.generatorCpu ?? Number.NaN) * 100,
        },
        { noRatio: true },
      ),
    );
  }
  const stepNotes: string[] =
    rounds > 1
      ? [
          `Three climbs per system, alternating which system goes first: the whole ladder (the per-step rows and the notes below), then twice from two steps below that system's first ceiling. The figure is each system's median ceiling; a climb whose first step fails counts 0.`,
        ]
      : [];
  for (const [name, steps] of Object.entries(results) as [SystemName, Step[]][]) {
    const failed = steps.find((s) => !s.sustained);
    stepNotes.push(
      failed
        ? `${SYSTEM_LABELS[name]} stopped at ${failed.rate} msg/s: ${failed.why}.`
        : `${SYSTEM_LABELS[name]} sustained every step; its ceiling is above ${size.rates.at(-1)} msg/s.`,
    );
  }
  return {
    name: 'saturation',
    title: `Saturation: ${size.clients} clients in rooms of ${size.clients / size.rooms}, rate stepped up until p99 delivery > ${P99_LIMIT_MS} ms or any loss`,
    rows,
    notes: [
      ...notes,
      ...stepNotes,
      `A step is sustained when p99 send-to-delivery <= ${P99_LIMIT_MS} ms, nothing is lost or refused, and acks keep up with the offered rate (>= 95%). Each step runs ${size.seconds} s on the same connections.`,
    ],
  };
};

/** The highest rate a climb sustained; 0 when its first step already failed. */
function ceiling(steps: Step[]): number {
  return steps.filter((s) => s.sustained).reduce((m, s) => Math.max(m, s.rate), 0);
}

export default saturation;
