/**
 * The fan-out queue on SQS: jobs go out with SendMessageBatch (10 a call, within SQS's
 * size limits), each tagged with the Management API endpoint it is for, so one worker
 * serves every stage and custom domain that queues to it. Against AWS or the local
 * gateway's emulated queue alike.
 */
import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { QueueRefusedError, StoreUnavailableError } from '../../core/errors.js';
import type { DeliveryJob, EnqueueOptions, FanoutJob, FanoutQueue } from '../../core/ports.js';
import { guardedSqs } from './errors.js';
import { encodeJob } from './job-codec.js';

/**
 * SQS's limits: 10 messages a batch and 1 MiB a batch (since August 2025 also a message).
 * A message is kept to 256 KB, the limit SQS had until then: a slice of 100 is ~10 KB plus
 * its frame, so only a frame near the 128 KB post limit comes near it.
 */
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

/** A job as one message body, with its size counted once. */
interface Encoded {
  job: FanoutJob;
  body: string;
  bytes: number;
}

export class SqsFanoutQueue implements FanoutQueue {
  /** What the endpoint attribute adds to every message's size. */
  private readonly attributeBytes: number;

  constructor(
    private readonly client: SQSClient,
    private readonly options: SqsFanoutQueueOptions,
  ) {
    this.attributeBytes =
      Buffer.byteLength(ENDPOINT_ATTRIBUTE) + Buffer.byteLength(options.endpoint) + 'String'.length;
  }

  async enqueue(jobs: readonly FanoutJob[], options: EnqueueOptions = {}): Promise<void> {
    const encoded = jobs.flatMap((job) => fitted(job));
    const delay = Math.min(900, Math.max(0, Math.round(options.delaySeconds ?? 0)));
    const signal =
      options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const groups = batches(encoded, this.attributeBytes);
    const results = await Promise.allSettled(
      groups.map((group) => this.sendBatch(group, delay, signal)),
    );
    const notQueued = results.flatMap((result, i) =>
      result.status === 'rejected' ? (groups[i] ?? []).map((e) => e.job) : [],
    );
    if (notQueued.length === 0) return;
    const cause = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
    // Nothing queued for a reason other than SQS being unreachable (no such queue, access
    // denied): a misconfiguration, told as it is rather than as "retry later".
    if (notQueued.length === encoded.length && !(cause instanceof StoreUnavailableError)) {
      throw cause;
    }
    throw new QueueRefusedError(notQueued, { cause });
  }

  async deadLetter(job: DeliveryJob, reason: string): Promise<void> {
    await Promise.all(
      fitted(job).map((part) =>
        guardedSqs(() =>
          this.client.send(
            new SendMessageCommand({
              QueueUrl: this.options.deadLetterQueueUrl,
              MessageBody: part.body,
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
  private async sendBatch(
    group: readonly Encoded[],
    delaySeconds: number,
    abortSignal: AbortSignal | undefined,
  ): Promise<void> {
    let entries = group.map((e, i) => ({
      Id: String(i),
      MessageBody: e.body,
      DelaySeconds: delaySeconds,
      MessageAttributes: this.endpointAttribute(),
    }));
    for (let round = 0; entries.length > 0; round++) {
      const sent = await guardedSqs(() =>
        this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.options.queueUrl, Entries: entries }),
          abortSignal ? { abortSignal } : {},
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
 * (only a frame near the 128 KB post limit makes a slice of 100 that big). Each body is
 * encoded and measured once.
 */
function fitted(job: FanoutJob): Encoded[] {
  const body = encodeJob(job);
  const bytes = Buffer.byteLength(body);
  if (job.kind !== 'deliver' || job.to.length <= 1 || bytes <= MAX_MESSAGE_BYTES) {
    return [{ job, body, bytes }];
  }
  const half = Math.ceil(job.to.length / 2);
  return [
    ...fitted({ ...job, to: job.to.slice(0, half) }),
    ...fitted({ ...job, to: job.to.slice(half) }),
  ];
}

/** Jobs grouped into batches of at most 10 entries and 1 MiB, attributes counted. */
function batches(encoded: readonly Encoded[], attributeBytes: number): Encoded[][] {
  const out: Encoded[][] = [];
  let current: Encoded[] = [];
  let bytes = 0;
  for (const e of encoded) {
    const size = e.bytes + attributeBytes;
    if (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
