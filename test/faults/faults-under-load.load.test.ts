/**
 * Faults under load, the short form of `npm run faults` (faults/README in
 * docs/decisions/2026-12-06-faults-and-fuzz.md): each fault of issue 13 for a few seconds
 * while clients send, on stores this file starts itself (never a shared server). Whatever
 * the fault, no acked message is lost, no seq is skipped or stored twice, every send is
 * answered (served, or `unavailable`), and sends are acked again once the fault is over.
 * The seed (printed) picks which posts a failing management API fails: SEED=N replays it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevChild, startDevChild } from '../../faults/dev-child.js';
import { seededRandom, seedFrom } from '../../faults/random.js';
import { type FaultResult, type LoadShape, type Phases, runFault } from '../../faults/run-fault.js';
import { KILL_SCENARIO, SHORT, STACK_SCENARIOS } from '../../faults/scenarios.js';
import { type FaultStack, startFaultStack } from '../../faults/stack.js';

const SHAPE: LoadShape = { rooms: 2, clientsPerRoom: 3, sendIntervalMs: 50, replyTimeoutMs: 4_000 };
const PHASES: Phases = { warmupMs: 300, afterMs: 300, drainMs: 10_000, settleMs: 5_000 };
const SCENARIO_TIMEOUT_MS = 60_000;

function expectNothingLost(result: FaultResult): void {
  expect(result.acked).toBeGreaterThan(0);
  expect(result.lost).toBe(0);
  expect(result.gaps).toBe(0);
  expect(result.storedTwice).toBe(0);
  expect(result.unanswered).toBe(0);
  // Every reply was the request served or `unavailable`.
  expect(result.otherErrors).toEqual({});
  // Sends made after the fault are acked again.
  expect(result.recoverMs).not.toBeNull();
}

describe('faults on the stores and the management API, under load', () => {
  const seed = seedFrom(undefined, process.env);
  let stack: FaultStack;
  beforeAll(async () => {
    console.log(`[faults] seed ${seed} (replay with SEED=${seed})`);
    stack = await startFaultStack(seededRandom(seed), () => {});
  });
  afterAll(() => stack?.close());

  for (const scenario of STACK_SCENARIOS) {
    it(
      scenario.name,
      async () => {
        const shape =
          scenario.contentBytes === undefined
            ? SHAPE
            : { ...SHAPE, contentBytes: scenario.contentBytes };
        expectNothingLost(await runFault(stack, shape, PHASES, scenario.fault(stack, SHORT)));
      },
      SCENARIO_TIMEOUT_MS,
    );
  }
});

describe('kill -9 of the dev server under load', () => {
  let dev: DevChild;
  beforeAll(async () => {
    dev = await startDevChild();
  });
  afterAll(() => dev?.close());

  it(
    'loses no acked message and serves again after a restart on the same data',
    async () => {
      const result = await runFault(dev, SHAPE, PHASES, KILL_SCENARIO.fault(dev));
      expectNothingLost(result);
      // The clients saw the crash, and came back.
      expect(result.reconnects).toBeGreaterThan(0);
    },
    SCENARIO_TIMEOUT_MS * 2,
  );
});
