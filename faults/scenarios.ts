/**
 * The faults of issue 13, item 6, each as a `Fault` on the suite's own stack (or, for
 * `kill -9`, on a dev server child). `LONG` holds the durations (`npm run faults`);
 * `SHORT` the CI's, a few seconds each.
 */
import type { DevChild } from './dev-child.js';
import type { ManagementFault } from './management-faults.js';
import type { Fault, Target } from './run-fault.js';
import { sleep } from './run-fault.js';
import { slowReader } from './slow-reader.js';
import type { FaultStack, Restartable } from './stack.js';

export interface Durations {
  redisDownMs: number;
  postgresDownMs: number;
  dynamoDownMs: number;
  /** How long the management API fails a share of the posts. */
  managementMs: number;
  slowReaderMs: number;
}

export const LONG: Durations = {
  redisDownMs: 30_000,
  postgresDownMs: 10_000,
  dynamoDownMs: 10_000,
  managementMs: 10_000,
  slowReaderMs: 15_000,
};

export const SHORT: Durations = {
  redisDownMs: 1_500,
  postgresDownMs: 1_500,
  dynamoDownMs: 1_500,
  managementMs: 1_000,
  slowReaderMs: 1_500,
};

/** The share of posts a failing management API fails. */
export const MANAGEMENT_FAULT_SHARE = 0.3;

export interface StackScenario {
  name: string;
  /** Bytes of filler per message, when the default (a few) is not the point. */
  contentBytes?: number;
  fault(stack: FaultStack, d: Durations): Fault;
}

const now = () => Date.now();

function down(store: Restartable, ms: number): Fault {
  return async () => {
    await store.stop();
    await sleep(ms);
    await store.start();
    return { healedAt: now() };
  };
}

function restart(store: Restartable): Fault {
  return async () => {
    await store.stop();
    await store.start();
    return { healedAt: now() };
  };
}

function management(fault: ManagementFault): StackScenario {
  return {
    name: `management API answers ${fault === 'timeout' ? 'nothing (timeouts)' : fault}`,
    fault: (stack, d) => async () => {
      stack.management.set(fault, MANAGEMENT_FAULT_SHARE);
      await sleep(d.managementMs);
      stack.management.set(undefined);
      return { healedAt: now() };
    },
  };
}

export const STACK_SCENARIOS: StackScenario[] = [
  {
    name: 'Redis flushed',
    fault: (stack) => async () => {
      await stack.redis.empty();
      return { healedAt: now() };
    },
  },
  { name: 'Redis restarted', fault: (stack) => restart(stack.redis) },
  { name: 'Redis down', fault: (stack, d) => down(stack.redis, d.redisDownMs) },
  { name: 'PostgreSQL restarted', fault: (stack) => restart(stack.postgres) },
  { name: 'PostgreSQL down', fault: (stack, d) => down(stack.postgres, d.postgresDownMs) },
  { name: 'DynamoDB down', fault: (stack, d) => down(stack.dynamo, d.dynamoDownMs) },
  management('410'),
  management('429'),
  management('500'),
  management('timeout'),
  {
    name: 'a client stops reading its socket',
    // Near the default 4,000-character limit: the unread frames pile up fast.
    contentBytes: 3_800,
    fault: (stack, d) => (rooms) => slowReader(stack, rooms[0] ?? '', d.slowReaderMs),
  },
];

/** `kill -9` of the dev server mid-load, then a start on the same DATA_DIR and port. */
export const KILL_SCENARIO = {
  name: 'kill -9 of the dev server, restarted on its data',
  fault:
    (dev: DevChild & Target): Fault =>
    async () => {
      await dev.kill();
      const healedAt = now();
      await dev.start();
      return { healedAt, note: `restarted in ${now() - healedAt} ms` };
    },
};

/** How long each fault's `Durations` entry is, for the table. */
export function durationOf(name: string, d: Durations): number | undefined {
  if (name === 'Redis down') return d.redisDownMs;
  if (name === 'PostgreSQL down') return d.postgresDownMs;
  if (name === 'DynamoDB down') return d.dynamoDownMs;
  if (name.startsWith('management API')) return d.managementMs;
  if (name.startsWith('a client stops')) return d.slowReaderMs;
  return undefined;
}
