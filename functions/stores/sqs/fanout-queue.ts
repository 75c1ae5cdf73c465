/**
 * The fan-out queue on SQS: jobs go out with SendMessageBatch (10 a call, within SQS's
 * size limits), each tagged with the Management API endpoint it is for, so one worker
 * serves every stage and custom domain that queues to it. Against AWS or the local
 * gateway's emulated queue alike.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryJob, FanoutJob, FanoutQueue } from '../../core/ports.js';
import { guardedSqs } from './errors.js';
import { encodeJob } from './job-codec.js';

/** SQS's limits: 10 messages a batch, 256 KB a message and (now) 1 MiB a batch. */
export const MAX_BATCH_ENTRIES = 10;
export const MAX_MESSAGE_BYTES = 256 * 1024;
export const MAX_BATCH_BYTES = 1024 * 1024;
/** Where a message carries the endpoint its posts go to. */
export const ENDPOINT_ATTRIBUTE = 'endpoint';
/** Where a dead-lettered message says why. */
export const REASON_ATTRIBUTE = 'reason';

export interface SqsFanoutQueueOptions {
  queueUrl: string;
  deadLetterQueueUrl: string;
  /** The Management API endpoint the jobs' posts go to. */
  endpoint: string;
}

export class SqsFanoutQueue implements FanoutQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly options: SqsFanoutQueueOptions,
  ) {}

  async enqueue(jobs: readonly FanoutJob[], options: { delaySeconds?: number } = {}) {
    const bodies = jobs.flatMap((job) => fitted(job)).map(encodeJob);
    const delay = Math.min(900, Math.max(0, Math.round(options.delaySeconds ?? 0)));
    await Promise.all(batches(bodies).map((batch) => this.sendBatch(batch, delay)));
  }

  async deadLetter(job: DeliveryJob, reason: string): Promise<void> {
    await Promise.all(
      fitted(job).map((part) =>
        guardedSqs(() =>
          this.client.send(
            new SendMessageCommand({
              QueueUrl: this.options.deadLetterQueueUrl,
              MessageBody: encodeJob(part),
              MessageAttributes: {
                ...this.endpointAttribute(),
                [REASON_ATTRIBUTE]: { DataType: 'String', StringValue: reason },
              },
            }),
          ),
        ),
      ),
    );
  }

  private endpointAttribute() {
    return {
      [ENDPOINT_ATTRIBUTE]: { DataType: 'String', StringValue: this.options.endpoint },
    };
  }

  /** One SendMessageBatch; entries SQS refused are sent once more, then it throws. */
  private async sendBatch(bodies: readonly string[], delaySeconds: number): Promise<void> {
    let entries = bodies.map((body, i) => ({
      Id: String(i),
      MessageBody: body,
      DelaySeconds: delaySeconds,
      MessageAttributes: this.endpointAttribute(),
    }));
    for (let round = 0; entries.length > 0; round++) {
      const sent = await guardedSqs(() =>
        this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries }),
        ),
      );
      const failed = new Set((sent.Failed ?? []).map((f) => f.Id));
      if (failed.size === 0) return;
      if (round > 0) {
        const first = sent.Failed?.[0];
        throw new Error(
          `SQS refused ${failed.size} of ${entries.length} jobs: ${first?.Code} ${first?.Message}`,
        );
      }
      entries = entries.filter((e) => failed.has(e.Id));
    }
  }
}

/**
 * The job as one message, or halves of its audience until each fits SQS's message size
 * (only a frame near the 128 KB post limit makes a slice of 100 that big).
 */
function fitted(job: FanoutJob): FanoutJob[] {
  if (job.kind !== 'deliver' || job.to.length <= 1) return [job];
  if (Buffer.byteLength(encodeJob(job)) <= MAX_MESSAGE_BYTES) return [job];
  const half = Math.ceil(job.to.length / 2);
  return [
    ...fitted({ ...job, to: job.to.slice(0, half) }),
    ...fitted({ ...job, to: job.to.slice(half) }),
  ];
}

/** Bodies grouped into batches of at most 10 entries and 1 MiB. */
function batches(bodies: readonly string[]): string[][] {
  const out: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
