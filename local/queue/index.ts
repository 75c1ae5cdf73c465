/**
 * The fan-out queue locally: the queue and its dead-letter queue (in memory, with SQS's
 * semantics), the SQS API for the handlers' real `@aws-sdk/client-sqs`, and the event
 * source that runs the fan-out worker on them with the stack's own settings
 * (functions/fanout-settings.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FANOUT_WORKER } from '../../functions/fanout-settings.js';
import { type EventSourceStats, type InvokeFunction, QueueEventSource } from './event-source.js';
import { ACCOUNT_ID, LocalQueue } from './local-queue.js';
import { isSqsRequest, SqsApi } from './sqs-api.js';

export type { InvokeFunction } from './event-source.js';
export { isSqsRequest } from './sqs-api.js';

export const FANOUT_QUEUE_NAME = 'parley-fanout';
export const FANOUT_DLQ_NAME = 'parley-fanout-dlq';

export interface FanoutQueuesOptions {
  /** Where the SQS API is served: the gateway's `http://host:port`. */
  endpoint: string;
  /** Runs the fan-out worker once (with its timeout enforced). */
  invoke: InvokeFunction;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Tests shorten these; the defaults are the stack's. */
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  batchSize?: number;
  maxConcurrency?: number;
}

export interface FanoutQueues {
  queueUrl: string;
  deadLetterQueueUrl: string;
  queue: LocalQueue;
  deadLetterQueue: LocalQueue;
  /** Answers the request if it is an SQS API call; false (untouched) otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  stats: EventSourceStats;
  /** Resolves once no worker runs and no job is visible (delayed retries may remain). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export function startFanoutQueues(options: FanoutQueuesOptions): FanoutQueues {
  const url = (name: string) => `${options.endpoint}/${ACCOUNT_ID}/${name}`;
  const deadLetterQueue = new LocalQueue({ name: FANOUT_DLQ_NAME, url: url(FANOUT_DLQ_NAME) });
  const queue = new LocalQueue({
    name: FANOUT_QUEUE_NAME,
    url: url(FANOUT_QUEUE_NAME),
    visibilityTimeoutSeconds:
      options.visibilityTimeoutSeconds ?? FANOUT_WORKER.visibilityTimeoutSeconds,
    maxReceiveCount: options.maxReceiveCount ?? FANOUT_WORKER.maxReceiveCount,
    deadLetterQueue,
  });
  const api = new SqsApi(
    new Map([
      [queue.name, queue],
      [deadLetterQueue.name, deadLetterQueue],
    ]),
  );
  const source = new QueueEventSource({
    queue,
    invoke: options.invoke,
    batchSize: options.batchSize ?? FANOUT_WORKER.batchSize,
    maxConcurrency: options.maxConcurrency ?? FANOUT_WORKER.maxConcurrency,
    log: options.log,
  });
  return {
    queueUrl: queue.url,
    deadLetterQueueUrl: deadLetterQueue.url,
    queue,
    deadLetterQueue,
    handle(req, res) {
      if (!isSqsRequest(req)) return false;
      api.handle(req, res).catch((error: unknown) => {
        options.log('SQS API request failed', { error: String(error) });
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return true;
    },
    stats: source.stats,
    idle: () => source.idle(),
    async close() {
      await source.stop();
      queue.close();
      deadLetterQueue.close();
    },
  };
}
