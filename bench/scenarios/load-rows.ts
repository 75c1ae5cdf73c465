/** The rows every load-driven scenario reports, from a `LoadResult` per system. */
import { errorCount, errorText, type PerSystem, row } from '../compare.js';
import type { LoadResult } from '../load.js';
import { LOOP_DELAY_GOAL_MS } from '../loop-delay.js';
import type { ResultRow } from '../scenario.js';
import { SYSTEM_LABELS, type SystemName } from '../servers.js';

/** p99 (ms) a message may take to reach every member before a rate counts as not sustained. */
export const P99_LIMIT_MS = 250;

const pick = <T>(results: PerSystem<T>, f: (r: T) => number | null | undefined) => ({
  parley: results.parley === undefined ? undefined : f(results.parley),
  peer: results.peer === undefined ? undefined : f(results.peer),
});

export function latencyRows(results: PerSystem<LoadResult>): ResultRow[] {
  const le = (limit: number) => (v: number) => v <= limit;
  return [
    row(
      'send -> ack p50',
      'ms',
      pick(results, (r) => r.ack[50]),
    ),
    row(
      'send -> ack p95',
      'ms',
      pick(results, (r) => r.ack[95]),
    ),
    row(
      'send -> ack p99',
      'ms',
      pick(results, (r) => r.ack[99]),
      {
        target: `<= ${P99_LIMIT_MS} ms`,
        check: le(P99_LIMIT_MS),
      },
    ),
    row(
      'send -> ack max',
      'ms',
      pick(results, (r) => r.ack[100]),
    ),
    row(
      'send -> delivery p50',
      'ms',
      pick(results, (r) => r.delivery[50]),
    ),
    row(
      'send -> delivery p95',
      'ms',
      pick(results, (r) => r.delivery[95]),
    ),
    row(
      'send -> delivery p99',
      'ms',
      pick(results, (r) => r.delivery[99]),
      {
        // The steady-load target: no worse than the peer on the same machine in the
        // same run; a run of Parley alone holds it to the saturation limit instead.
        target: `<= peer (alone: <= ${P99_LIMIT_MS} ms)`,
        check: (v, peer) => (peer === undefined ? v <= P99_LIMIT_MS : v <= peer),
      },
    ),
    row(
      'send -> delivery max',
      'ms',
      pick(results, (r) => r.delivery[100]),
    ),
    row(
      'ack service time p50 (from the actual send)',
      'ms',
      pick(results, (r) => r.ackService[50]),
    ),
  ];
}

export function countRows(results: PerSystem<LoadResult>, deliveryRate?: number): ResultRow[] {
  const zero = { target: '= 0', check: (v: number) => v === 0, noRatio: true };
  return [
    row(
      'messages scheduled',
      'msgs',
      pick(results, (r) => r.scheduled),
      { noRatio: true },
    ),
    row(
      'messages acked',
      'msgs',
      pick(results, (r) => r.acked),
      { noRatio: true },
    ),
    row(
      'acked msgs/s',
      'msgs/s',
      pick(results, (r) => r.ackedPerSecond),
    ),
    row(
      'delivered msgs/s',
      'msgs/s',
      pick(results, (r) => r.deliveredPerSecond),
      deliveryRate
        ? {
            target: `>= ${Math.round(0.95 * deliveryRate)} (95% of offered)`,
            check: (v) => v >= 0.95 * deliveryRate,
          }
        : {},
    ),
    row(
      'deliveries expected',
      'msgs',
      pick(results, (r) => r.expected),
      { noRatio: true },
    ),
    row(
      'deliveries received',
      'msgs',
      pick(results, (r) => r.delivered),
      { noRatio: true },
    ),
    row(
      'lost deliveries',
      'msgs',
      pick(results, (r) => r.lostDeliveries),
      zero,
    ),
    row(
      'lost sends (no reply)',
      'msgs',
      pick(results, (r) => r.lostSends),
      zero,
    ),
    row(
      'duplicate deliveries',
      'msgs',
      pick(results, (r) => r.duplicates),
      zero,
    ),
    row(
      'unexpected deliveries',
      'msgs',
      pick(results, (r) => r.unexpected),
      zero,
    ),
    row(
      'failed sends (error reply or no reply)',
      'count',
      pick(results, (r) => errorCount(r.errors)),
      zero,
    ),
  ];
}

export function resourceRows(results: PerSystem<LoadResult>): ResultRow[] {
  return [
    row(
      'generator CPU (all its threads)',
      '% of a core',
      pick(results, (r) => r.generatorCpu * 100),
      {
        target: '< 80 (not the bottleneck)',
        check: (v, q) => v < 80 && (q === undefined || q < 80),
        noRatio: true,
      },
    ),
    row(
      'generator event-loop delay p99 (worst worker thread)',
      'ms',
      pick(results, (r) => r.loopDelayP99Ms),
      {
        target: `< ${LOOP_DELAY_GOAL_MS} ms (not the generator's noise)`,
        check: (v, q) => v < LOOP_DELAY_GOAL_MS && (q === undefined || q < LOOP_DELAY_GOAL_MS),
        noRatio: true,
        digits: 2,
      },
    ),
    row(
      'generator send lag max (behind schedule)',
      'ms',
      pick(results, (r) => r.maxSendLagMs),
      {
        noRatio: true,
      },
    ),
    row(
      'server CPU',
      '% of a core',
      pick(results, (r) => (r.serverCpu ?? Number.NaN) * 100),
    ),
    row(
      'PostgreSQL CPU (all its processes)',
      '% of a core',
      pick(results, (r) => r.postgresCpu * 100),
    ),
    row(
      'Redis CPU',
      '% of a core',
      pick(results, (r) => r.redisCpu * 100),
    ),
    row(
      'machine CPU (all processes)',
      '% of a core',
      pick(results, (r) => r.machineCpu * 100),
    ),
  ];
}

export function errorNotes(results: PerSystem<LoadResult>): string[] {
  const notes: string[] = [];
  for (const name of ['parley', 'peer'] as SystemName[]) {
    const r = results[name];
    if (!r) continue;
    const errs = errorText(r.errors);
    if (errs) notes.push(`${SYSTEM_LABELS[name]} errors by code: ${errs}.`);
    if (!r.drained) {
      notes.push(
        `${SYSTEM_LABELS[name]}: acks or deliveries still outstanding when the drain ended.`,
      );
    }
  }
  return notes;
}
