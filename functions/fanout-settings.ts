/**
 * The fan-out worker's settings, read by the CDK stack (the function, its queue and event
 * source) and by the local gateway's emulated queue, so both run it the same way. Why
 * these numbers: docs/capacity.md.
 */
export const FANOUT_WORKER = {
  /** The file in functions/. */
  entry: 'fanout-worker',
  /** One full vCPU: posting is CPU-bound in the SDK (~0.8 ms a post). */
  memoryMb: 1769,
  timeoutSeconds: 30,
  /** Jobs per invocation (each a slice of up to `fanoutSliceSize` connections). */
  batchSize: 4,
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
