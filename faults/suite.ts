/**
 * Every fault of the suite in turn, each on fresh rooms: the in-process stack's faults,
 * then `kill -9` of a dev server child. Returns one row per fault.
 */
import { startDevChild } from './dev-child.js';
import type { Random } from './random.js';
import { type FaultResult, type LoadShape, type Phases, runFault } from './run-fault.js';
import { type Durations, KILL_SCENARIO, STACK_SCENARIOS } from './scenarios.js';
import { startFaultStack } from './stack.js';

export interface FaultRow extends FaultResult {
  name: string;
  /** Wall time of the whole scenario, load included. */
  tookMs: number;
}

export interface SuiteOptions {
  durations: Durations;
  shape: LoadShape;
  phases: Phases;
  random: Random;
  /** Only the faults whose name contains one of these (all when empty). */
  only?: readonly string[];
  log(message: string): void;
}

const picked = (name: string, only: readonly string[] | undefined) =>
  !only || only.length === 0 || only.some((o) => name.toLowerCase().includes(o.toLowerCase()));

export async function runFaultSuite(options: SuiteOptions): Promise<FaultRow[]> {
  const { durations, shape, phases, log } = options;
  const rows: FaultRow[] = [];
  const scenarios = STACK_SCENARIOS.filter((s) => picked(s.name, options.only));
  if (scenarios.length > 0) {
    const stack = await startFaultStack(options.random, log);
    try {
      for (const scenario of scenarios) {
        log(`fault: ${scenario.name}`);
        const started = Date.now();
        const load =
          scenario.contentBytes === undefined
            ? shape
            : { ...shape, contentBytes: scenario.contentBytes };
        const result = await runFault(stack, load, phases, scenario.fault(stack, durations));
        rows.push({ name: scenario.name, ...result, tookMs: Date.now() - started });
      }
    } finally {
      await stack.close();
    }
  }
  if (picked(KILL_SCENARIO.name, options.only)) {
    log('starting npm run dev as a child process on a temporary DATA_DIR');
    const dev = await startDevChild();
    try {
      log(`fault: ${KILL_SCENARIO.name}`);
      const started = Date.now();
      const result = await runFault(dev, shape, phases, KILL_SCENARIO.fault(dev));
      rows.push({ name: KILL_SCENARIO.name, ...result, tookMs: Date.now() - started });
    } finally {
      await dev.close();
    }
  }
  return rows;
}
