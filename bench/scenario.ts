/**
 * What every benchmark scenario takes and returns. The runner (`bench/run.ts`) calls each
 * scenario in turn and writes one report (JSON for machines, Markdown with an SVG chart
 * for people) under `bench/results/`.
 */

export interface BenchContext {
  /** `--quick`: a ~30-second smoke run; scenarios shrink their sizes and durations. */
  quick: boolean;
  /** Progress lines for the person watching ("steady: 1000 clients connected"). */
  log: (message: string) => void;
  /** A PostgreSQL database the bench may write to (created if missing). */
  databaseUrl: string;
  /** A Redis the bench may use; keep every key under `redisPrefix`. */
  redisUrl: string;
  redisPrefix: string;
  /** Where this run's report goes. */
  resultsDir: string;
  /** `--minutes N`: how long the soak runs (default 30). */
  minutes?: number;
}

export interface ResultRow {
  metric: string;
  unit: string;
  parley: number | string | null;
  /** The Socket.IO peer's figure, where the scenario has one. */
  peer?: number | string | null;
  /** parley / peer (or parley / floor), where meaningful. */
  ratio?: number | null;
  /** The target from the issue, in words ("<= peer", "<= 1.5x floor"). */
  target?: string;
  /** Whether the target holds; null when it does not apply. */
  pass?: boolean | null;
}

/** Latency samples to draw (milliseconds), per system. */
export interface LatencySeries {
  label: string;
  /** Percentile -> milliseconds, e.g. { 50: 3.1, 95: 7.9, 99: 12.0, 100: 40.2 }. */
  percentiles: Record<number, number>;
}

export interface ScenarioResult {
  name: string;
  title: string;
  rows: ResultRow[];
  series?: LatencySeries[];
  notes?: string[];
  /** A row that fails its target fails the run (the soak's verdicts); else it is reported. */
  asserts?: boolean;
}

export type Scenario = (ctx: BenchContext) => Promise<ScenarioResult>;

/** Percentiles of a list of numbers (nearest rank); the list is sorted in place. */
export function percentiles(values: number[] | Float64Array, ps: number[] = [50, 95, 99, 100]) {
  if (values instanceof Float64Array) values.sort();
  else values.sort((a, b) => a - b);
  const out: Record<number, number> = {};
  for (const p of ps) {
    if (values.length === 0) {
      out[p] = Number.NaN;
      continue;
    }
    const rank = Math.min(values.length - 1, Math.max(0, Math.ceil((p / 100) * values.length) - 1));
    out[p] = values[rank]!;
  }
  return out;
}
