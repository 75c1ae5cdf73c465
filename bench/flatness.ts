/**
 * Whether a figure sampled over a soak stayed flat: the verdict behind the soak's memory and
 * connection rows. Pure, so it is tested on made-up series (test/bench/flatness.test.ts).
 *
 * The first `warmupFraction` of the run is left out (pools fill, the JIT settles, caches
 * warm). Of what is left, the median of the first third is compared with the median of the
 * last third: medians, so one sample taken mid-collection or mid-reconnect does not decide.
 * Flat when the growth is at most `absTolerance` or `relTolerance` of the start, whichever
 * is larger. Falling is never a failure: a leak grows.
 */

export interface Sample {
  /** Seconds since the soak started. */
  t: number;
  value: number;
}

export interface FlatnessOptions {
  warmupFraction?: number;
  relTolerance?: number;
  absTolerance?: number;
}

export interface Flatness {
  flat: boolean;
  /** Median of the first and last third after the warm-up. */
  start: number;
  end: number;
  growth: number;
  /** Least-squares slope after the warm-up, per hour: where it would be heading. */
  perHour: number;
  min: number;
  max: number;
  /** Samples judged (after the warm-up). */
  samples: number;
  /** Why it is not flat, or not judged; empty when flat. */
  reason: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function slopePerHour(samples: Sample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const mv = samples.reduce((a, s) => a + s.value, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (s.value - mv);
    den += (s.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 3600;
}

export function flatness(series: readonly Sample[], options: FlatnessOptions = {}): Flatness {
  const warmup = options.warmupFraction ?? 0.2;
  const rel = options.relTolerance ?? 0;
  const abs = options.absTolerance ?? 0;
  const valid = series.filter((s) => Number.isFinite(s.value));
  const span = valid.length ? (valid[valid.length - 1]?.t ?? 0) - (valid[0]?.t ?? 0) : 0;
  const from = (valid[0]?.t ?? 0) + warmup * span;
  const judged = valid.filter((s) => s.t >= from);
  if (judged.length < 3) {
    return {
      flat: false,
      start: Number.NaN,
      end: Number.NaN,
      growth: Number.NaN,
      perHour: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
      samples: judged.length,
      reason: `only ${judged.length} samples after the warm-up (3 needed)`,
    };
  }
  const third = Math.max(1, Math.floor(judged.length / 3));
  const start = median(judged.slice(0, third).map((s) => s.value));
  const end = median(judged.slice(-third).map((s) => s.value));
  const growth = end - start;
  const allowed = Math.max(abs, rel * Math.abs(start));
  const flat = growth <= allowed;
  const values = judged.map((s) => s.value);
  return {
    flat,
    start,
    end,
    growth,
    perHour: slopePerHour(judged),
    min: Math.min(...values),
    max: Math.max(...values),
    samples: judged.length,
    reason: flat ? '' : `grew by ${growth} (allowed ${allowed})`,
  };
}
