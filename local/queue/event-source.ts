/**
 * Lambda's SQS event source mapping, locally: it takes up to `batchSize` visible messages
 * whenever a worker is free (at most `maxConcurrency` at once), invokes the function with
 * an SQS event, then deletes what succeeded. A record listed in `batchItemFailures` stays
 * in the queue and comes back after the visibility timeout; so does the whole batch when
 * the invocation throws, times out, or answers with a malformed response, as on AWS.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type LocalQueue, type QueuedMessage, REGION } from './local-queue.js';

/** Runs one invocation of the function, enforcing its timeout (the gateway's Lambda runner). */
export type InvokeFunction = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface EventSourceOptions {
  queue: LocalQueue;
  invoke: InvokeFunction;
  batchSize: number;
  maxConcurrency: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface EventSourceStats {
  invocations: number;
  /** Records reported in batchItemFailures. */
  recordFailures: number;
  /** Invocations that threw or timed out: every record of theirs came back. */
  failedInvocations: number;
}

export class QueueEventSource {
  private running = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private readonly unsubscribe: () => void;
  readonly stats: EventSourceStats = { invocations: 0, recordFailures: 0, failedInvocations: 0 };

  constructor(private readonly options: EventSourceOptions) {
    this.unsubscribe = options.queue.onAvailable(() => this.pump());
    this.pump();
  }

  /** Stops taking messages and waits for the invocations under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves once no invocation runs and no message is visible (delayed ones may remain). */
  async idle(): Promise<void> {
    for (;;) {
      // A message may have turned visible with its notification still queued: take it now.
      if (this.inFlight.size === 0) this.pump();
      if (this.inFlight.size === 0) return;
      await Promise.race([...this.inFlight]);
    }
  }

  private pump(): void {
    const { queue, batchSize, maxConcurrency } = this.options;
    while (!this.stopped && this.running < maxConcurrency) {
      const batch = queue.receive(batchSize);
      if (batch.length === 0) return;
      this.running++;
      const run = this.invoke(batch).finally(() => {
        this.running--;
        this.inFlight.delete(run);
        this.pump();
      });
      this.inFlight.add(run);
    }
  }

  private async invoke(batch: QueuedMessage[]): Promise<void> {
    const { queue, invoke, log } = this.options;
    this.stats.invocations++;
    let response: SQSBatchResponse | undefined;
    try {
      response = await invoke({ Records: batch.map((m) => toRecord(queue, m)) });
    } catch (error) {
      this.stats.failedInvocations++;
      log('fan-out worker failed: its records come back after the visibility timeout', {
        records: batch.length,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    const failures = response?.batchItemFailures ?? [];
    const ids = new Set(batch.map((m) => m.messageId));
    if (failures.some((f) => !f.itemIdentifier || !ids.has(f.itemIdentifier))) {
      // AWS treats a response naming an unknown record as a failure of the whole batch.
      this.stats.failedInvocations++;
      log('fan-out worker answered an unknown itemIdentifier: the whole batch comes back');
      return;
    }
    const failed = new Set(failures.map((f) => f.itemIdentifier));
    this.stats.recordFailures += failed.size;
    for (const message of batch) {
      if (!failed.has(message.messageId) && message.receiptHandle) {
        queue.delete(message.receiptHandle);
      }
    }
  }
}

/** An SQS event record, as Lambda's event source mapping builds it. */
function toRecord(queue: LocalQueue, message: QueuedMessage): SQSRecord {
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, attribute] of Object.entries(message.attributes)) {
    messageAttributes[name] = {
      dataType: attribute.DataType,
      ...(attribute.StringValue === undefined ? {} : { stringValue: attribute.StringValue }),
      stringListValues: [],
      binaryListValues: [],
    };
  }
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle ?? '',
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    messageAttributes,
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: REGION,
  };
}
