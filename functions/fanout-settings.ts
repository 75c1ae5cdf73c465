/**
 * The fan-out worker's settings, read by the CDK stack (the function, its queue and event
 * source) and by the local gateway's emulated queue, so both run it the same way. Why
 * these numbers: docs/capacity.md.
 */
import type { FunctionNeeds } from './route-table.js';

/** It reads the stores (membership, clean-up of gone connections) and posts. */
const WORKER_NEEDS: FunctionNeeds = { stores: 'stores', posts: true };

export const FANOUT_WORKER = {
  /** The file in functions/. */
  entry: 'fanout-worker',
  needs: WORKER_NEEDS,
  /** One full vCPU: posting is CPU-bound in the SDK (its cost a post: docs/capacity.md). */
  memoryMb: 1769,
  timeoutSeconds: 30,
  /**
   * Jobs per invocation (each a slice of up to `fanoutSliceSize` connections): one, so
   * that a room's slices spread over every free worker at once instead of waiting one
   * after another in a batch (docs/capacity.md). The worker handles any batch size.
   */
  batchSize: 1,
  /** Workers at once: together they may start `maxConcurrency * postsPerSecond` posts/s. */
  maxConcurrency: 10,
  /**
   * Posts one invocation starts per second: 10 workers at 800/s take 8,000 of the
   * account's 10,000 requests/s, leaving the rest to replies, acks and small rooms.
   */
  postsPerSecond: 800,
  /** SQS's advice: at least six times the function's timeout. */
  visibilityTimeoutSeconds: 180,
  /** Receives before SQS moves a job that keeps failing its invocation to the DLQ. */
  maxReceiveCount: 5,
} as const;
