/**
 * What the head-to-head scenarios share: run the same measurement on Parley, then on the
 * Socket.IO peer (never both at once: they share this machine's cores), and lay the figures
 * out as rows with a ratio and a target.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createDriver, type Driver } from './drivers.js';
import type { BenchContext, ResultRow } from './scenario.js';
import {
  SYSTEM_LABELS,
  type SystemName,
  type SystemUnderTest,
  systemAvailable,
  withSystem,
} from './servers.js';

/** Names this run's rooms, users and message ids, so runs never meet in the database. */
export const RUN_TAG = randomBytes(3).toString('hex');

/** Both, unless BENCH_SYSTEMS (`parley`, `peer`) narrows it down for a focused look. */
export const SYSTEMS: readonly SystemName[] = (['parley', 'peer'] as const).filter(
  (name) => !process.env.BENCH_SYSTEMS || process.env.BENCH_SYSTEMS.split(',').includes(name),
);

export type PerSystem<T> = Partial<Record<SystemName, T>>;

/**
 * A note that starts with this marks a scenario whose measurement failed on a system; the
 * runner counts it as a crash (non-zero exit) although the other system's rows are kept.
 */
export const CRASH_NOTE = 'crashed:';

export interface EachSystemResult<T> {
  results: PerSystem<T>;
  notes: string[];
}

/**
 * Runs `fn` against each system in turn (`order`, by default Parley first), each freshly
 * started and always stopped. A system that cannot start here (the peer's files missing) is
 * skipped with a note; one that fails gets a `crashed:` note and no figures.
 */
export async function eachSystem<T>(
  ctx: BenchContext,
  scenario: string,
  fn: (system: SystemUnderTest, driver: Driver, tag: string) => Promise<T>,
  order: readonly SystemName[] = SYSTEMS,
): Promise<EachSystemResult<T>> {
  const results: PerSystem<T> = {};
  const notes: string[] = [];
  for (const name of order) {
    const missing = systemAvailable(name);
    if (missing) {
      ctx.log(`${scenario}: skipping ${SYSTEM_LABELS[name]}: ${missing}`);
      notes.push(`${SYSTEM_LABELS[name]} not measured: ${missing}.`);
      continue;
    }
    ctx.log(`${scenario}: ${SYSTEM_LABELS[name]}`);
    try {
      results[name] = await withSystem(ctx, name, async (system) => {
        const driver = await createDriver(system);
        const out = await fn(system, driver, `b${RUN_TAG}-${scenario}-${name}`);
        const crash = system.crashed();
        if (crash) throw new Error(`${system.label} ${crash}`);
        return out;
      });
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      ctx.log(`${scenario}: ${SYSTEM_LABELS[name]} FAILED: ${text}`);
      notes.push(`${CRASH_NOTE} ${SYSTEM_LABELS[name]}: ${text.split('\n')[0]}`);
    }
  }
  return { results, notes };
}

export interface RoundsResult<T> {
  /** Each system's results, in round order. */
  runs: PerSystem<T[]>;
  notes: string[];
}

/**
 * Runs `fn` on each system `rounds` times, alternating which goes first (Parley in odd
 * rounds): on shared cores the machine drifts (other tenants of the host, PostgreSQL's
 * checkpoints and autovacuum), and alternating spreads the drift over both systems alike.
 * One round is `eachSystem` under the scenario's own name.
 */
export async function eachSystemInRounds<T>(
  ctx: BenchContext,
  scenario: string,
  rounds: number,
  fn: (round: number, system: SystemUnderTest, driver: Driver, tag: string) => Promise<T>,
): Promise<RoundsResult<T>> {
  const runs: PerSystem<T[]> = {};
  const notes: string[] = [];
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? SYSTEMS : [...SYSTEMS].reverse();
    if (rounds > 1) ctx.log(`${scenario}: round ${round} of ${rounds}`);
    const out = await eachSystem(
      ctx,
      rounds > 1 ? `${scenario}-r${round}` : scenario,
      (system, driver, tag) => fn(round, system, driver, tag),
      order,
    );
    for (const [name, result] of Object.entries(out.results) as [SystemName, T][]) {
      const list = runs[name] ?? [];
      list.push(result);
      runs[name] = list;
    }
    for (const note of out.notes) if (!notes.includes(note)) notes.push(note);
  }
  return { runs, notes };
}

/**
 * The median of `items` by `badness` (higher is worse); of two, the worse one, so the
 * figure is one every round reached.
 */
export function typical<T>(items: readonly T[], badness: (item: T) => number): T | undefined {
  const sorted = [...items].sort((a, b) => badness(a) - badness(b));
  return sorted[Math.floor(sorted.length / 2)];
}

export interface RowOptions {
  target?: string;
  /** Whether Parley's figure meets the target (the peer's figure is the second argument). */
  check?: (parley: number, peer: number | undefined) => boolean;
  /** Decimal places. Default: 1 below 100, else 0. */
  digits?: number;
  /** Leave the ratio out (counts where a ratio means nothing). */
  noRatio?: boolean;
}

const round = (v: number, digits?: number) => {
  if (!Number.isFinite(v)) return v;
  const d = digits ?? (Math.abs(v) < 100 ? 1 : 0);
  return Number(v.toFixed(d));
};

/** One metric, Parley beside the peer, with ratio parley / peer and the target. */
export function row(
  metric: string,
  unit: string,
  values: PerSystem<number | null | undefined>,
  options: RowOptions = {},
): ResultRow {
  const p = values.parley;
  const q = values.peer;
  const num = (v: number | null | undefined) =>
    v === undefined || v === null || Number.isNaN(v) ? null : round(v, options.digits);
  const parley = num(p);
  const peer = num(q);
  const ratio =
    !options.noRatio && parley !== null && peer !== null && peer !== 0
      ? Number(((p as number) / (q as number)).toFixed(2))
      : null;
  const out: ResultRow = { metric, unit, parley, peer, ratio };
  if (options.target !== undefined) {
    out.target = options.target;
    out.pass =
      options.check && typeof p === 'number' && !Number.isNaN(p)
        ? options.check(p, typeof q === 'number' && !Number.isNaN(q) ? q : undefined)
        : null;
  }
  return out;
}

/** Sum of the counts in an errors-by-code record, and a short text of them. */
export function errorText(errors: Record<string, number> | undefined): string {
  if (!errors) return '';
  return Object.entries(errors)
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
}

export function errorCount(errors: Record<string, number> | undefined): number {
  return Object.values(errors ?? {}).reduce((a, b) => a + b, 0);
}

/** This process's open-files limit (soft), from /proc; Infinity when it cannot be read. */
export function fdLimit(): number {
  try {
    const line = /^Max open files\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const v = line?.[1];
    return v === undefined || v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export const mb = (bytes: number | null | undefined) =>
  bytes === null || bytes === undefined ? null : bytes / 1024 / 1024;
