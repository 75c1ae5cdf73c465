/**
 * The benchmark's own settings from the environment (BENCH_ROUNDS, BENCH_WORKERS,
 * BENCH_STEADY_RATE): a mistyped one stops the run with its name, rather than running
 * NaN rounds or a rate nobody asked for.
 */

/** `raw` as a positive integer, `fallback` when unset or empty; throws naming `name`. */
export function positiveIntegerSetting(
  name: string,
  raw: string | undefined,
  fallback: number,
): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`${name} must be a positive integer, not ${raw}`);
  }
  return n;
}
