/**
 * The fan-out worker: an SQS-triggered Lambda that posts the slices of big rooms' audiences
 * (and retries of posts that failed elsewhere) from the fan-out queue. Each record is one
 * job; a job that fails (a store down, the queue refusing the retry) is reported in
 * `batchItemFailures`, so SQS brings back that record alone, and after `maxReceiveCount`
 * receives moves it to the dead-letter queue.
 */
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { runFanoutJob } from './core/fanout-job.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { logger } from './runtime/logger.js';
import type { HandlerWiring } from './runtime/wiring.js';
import { ENDPOINT_ATTRIBUTE } from './stores/sqs/fanout-queue.js';
import { decodeJob } from './stores/sqs/job-codec.js';

/**
 * No post starts later than this share of the invocation before its timeout (at most
 * 3 s): what is left is handed back to the queue, which takes a few milliseconds, so
 * nothing is cut off mid-post when Lambda ends the invocation.
 */
const RESERVE_SHARE = 0.2;
const RESERVE_MAX_MS = 3_000;

export type FanoutWorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function makeFanoutWorkerHandler(
  wiring: Pick<HandlerWiring, 'runtime'>,
): FanoutWorkerHandler {
  return async (event, context) => {
    // A runtime that cannot be created fails every record: SQS brings them all back.
    const runtime = await wiring.runtime();
    const reserveMs = Math.min(RESERVE_MAX_MS, context.getRemainingTimeInMillis() * RESERVE_SHARE);
    const batchItemFailures: SQSBatchItemFailure[] = [];
    for (const record of event.Records) {
      try {
        const endpoint =
          record.messageAttributes?.[ENDPOINT_ATTRIBUTE]?.stringValue ??
          runtime.config.CALLBACK_URL;
        if (!endpoint) throw new Error(`job ${record.messageId} names no endpoint`);
        const job = decodeJob(record.body);
        const outcome = await runFanoutJob(runtime.deps(endpoint), job, {
          postsPerSecond: runtime.config.FANOUT_POSTS_PER_SECOND,
          remainingMs: () => context.getRemainingTimeInMillis(),
          reserveMs,
        });
        logger.info('fan-out job done', {
          messageId: record.messageId,
          roomId: job.roomId,
          kind: job.kind,
          receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
          ...outcome,
        });
      } catch (error) {
        logger.error('fan-out job failed; the queue brings it back', {
          messageId: record.messageId,
          error: error instanceof Error ? error : String(error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeFanoutWorkerHandler(lambdaWiring());
