/**
 * The load generator's worker threads ask the scheduler to run them first. On the 2-core
 * machines this benchmark runs on, the generator shares the cores with the system it
 * measures and its stores; at an equal priority its threads wait behind them, and that wait
 * is charged to the latencies it reports (and read as the generator's own loop delay). In
 * production the clients are on other machines and take no CPU from the server; a generator
 * served first comes closest to that, and it treats both systems alike. See
 * docs/decisions/2026-12-06-generator-priority.md.
 */
import { getPriority, setPriority } from 'node:os';

/** The nice value the generator's threads ask for (lower runs first; 0 is the default). */
export const GENERATOR_NICE = -10;

/**
 * Raises the calling thread's priority (on Linux `setpriority(0)` changes the calling thread
 * only, so the bench's main thread and the servers it starts keep theirs). Returns the nice
 * value the thread runs at: unchanged when the user may not raise it (not root, no
 * CAP_SYS_NICE).
 */
export function raiseThreadPriority(nice = GENERATOR_NICE): number {
  try {
    setPriority(nice);
  } catch {
    // Not permitted: the run reports the priority it got.
  }
  return getPriority();
}

/**
 * One line for the log: at which priority the generator's threads ran, against the bench's
 * main thread (`mainNice`), whose priority the servers it starts inherit.
 */
export function describeGeneratorPriority(
  nices: readonly number[],
  mainNice = getPriority(),
): string {
  const distinct = [...new Set(nices)].join('/');
  const ahead = nices.length > 0 && nices.every((n) => n < mainNice);
  return ahead
    ? `generator threads at nice ${distinct}, ahead of the servers (nice ${mainNice})`
    : `generator threads at nice ${distinct}, not ahead of the servers (nice ${mainNice}): raising it needs root or CAP_SYS_NICE, so they compete with the servers for the cores`;
}
