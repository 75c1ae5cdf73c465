/**
 * The load generator's own event-loop delay, reported with every load run: a generator whose
 * loop is late by more than the differences it measures cannot tell them apart
 * (docs/decisions/2026-12-06-dev-server-and-bench.md). Each worker thread measures
 * its own loop with perf_hooks.monitorEventLoopDelay; the run's figure is the worst one.
 */

/** The goal for the generator at the steady load: below it, a p99 verdict is not its noise. */
export const LOOP_DELAY_GOAL_MS = 2;

/** Resolution of the delay histogram, ms (Node's default). */
export const LOOP_DELAY_RESOLUTION_MS = 10;

/**
 * How late the loop was, from a percentile of Node's delay histogram. The histogram records
 * the whole time between its samples, the resolution included: an idle loop reads about the
 * resolution at p99 (docs/decisions/2026-12-06-dev-server-and-bench.md). The lateness is
 * what exceeds the resolution.
 */
export function loopLatenessMs(
  histogramMs: number,
  resolutionMs = LOOP_DELAY_RESOLUTION_MS,
): number {
  return Math.max(0, histogramMs - resolutionMs);
}

/** The run's figure from each thread's p99: the worst thread, as any thread can be late. */
export function generatorLoopDelayMs(perThreadP99Ms: readonly number[]): number {
  const finite = perThreadP99Ms.filter((v) => Number.isFinite(v));
  return finite.length ? Math.max(...finite) : Number.NaN;
}

/** One line for the report and the log: the figure, each thread's, and the goal's verdict. */
export function describeLoopDelay(perThreadP99Ms: readonly number[]): string {
  const worst = generatorLoopDelayMs(perThreadP99Ms);
  const each = perThreadP99Ms.map((v) => v.toFixed(2)).join(', ');
  const verdict = Number.isNaN(worst)
    ? 'not measured'
    : worst < LOOP_DELAY_GOAL_MS
      ? `under the ${LOOP_DELAY_GOAL_MS} ms goal`
      : `OVER the ${LOOP_DELAY_GOAL_MS} ms goal: latency differences this small are the generator's noise`;
  return `generator event-loop delay p99 ${Number.isNaN(worst) ? '-' : worst.toFixed(2)} ms over ${perThreadP99Ms.length} worker thread(s) [${each}], ${verdict}`;
}
