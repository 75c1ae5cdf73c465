/**
 * The part of the SQS API Parley uses, in the wire format `@aws-sdk/client-sqs` speaks
 * (AWS JSON 1.0, `X-Amz-Target: AmazonSQS.<Operation>`, errors with `__type` and the
 * query-compatible `x-amzn-query-error` header), so handlers use the real client against
 * the local queues unchanged: SendMessage, SendMessageBatch, ReceiveMessage (no long
 * polling), DeleteMessage, GetQueueAttributes. Requests are not authenticated.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../gateway/http-io.js';
import { newAwsRequestId } from '../gateway/ids.js';
import type { LocalQueue, MessageAttribute, QueuedMessage } from './local-queue.js';

const TARGET_PREFIX = 'AmazonSQS.';
/** SQS's limits since August 2025: 1 MiB a message and a batch, 10 entries a batch. */
export const SQS_MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_BATCH_ENTRIES = 10;

class SqsError extends Error {
  constructor(
    readonly type: string,
    readonly queryCode: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const noSuchQueue = () =>
  new SqsError(
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
    'The specified queue does not exist.',
  );
const invalid = (message: string) =>
  new SqsError('InvalidParameterValue', 'InvalidParameterValue', message);

/** Whether a request is an SQS API call (so the gateway's HTTP fallback hands it here). */
export function isSqsRequest(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return req.method === 'POST' && typeof target === 'string' && target.startsWith(TARGET_PREFIX);
}

export class SqsApi {
  constructor(private readonly queues: ReadonlyMap<string, LocalQueue>) {}

  /** Answers an SQS request (check `isSqsRequest` first). */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const operation = String(req.headers['x-amz-target']).slice(TARGET_PREFIX.length);
    try {
      const body = await readBody(req, MAX_REQUEST_BYTES);
      if (body === 'too-large') {
        throw new SqsError(
          'BatchRequestTooLong',
          'AWS.SimpleQueueService.BatchRequestTooLong',
          'Request too long',
        );
      }
      const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      send(res, 200, this.run(operation, input));
    } catch (error) {
      const e =
        error instanceof SqsError
          ? error
          : error instanceof SyntaxError
            ? new SqsError('InvalidParameterValue', 'InvalidParameterValue', 'Malformed JSON')
            : new SqsError('InternalError', 'InternalError', String(error), 500);
      res.setHeader(
        'x-amzn-query-error',
        `${e.queryCode};${e.status < 500 ? 'Sender' : 'Receiver'}`,
      );
      send(res, e.status, { __type: `com.amazonaws.sqs#${e.type}`, message: e.message });
    }
  }

  private queue(input: Record<string, unknown>): LocalQueue {
    const url = input.QueueUrl;
    if (typeof url !== 'string') throw invalid('QueueUrl is required');
    const name = url.split('/').pop() ?? '';
    const queue = this.queues.get(name);
    if (!queue) throw noSuchQueue();
    return queue;
  }

  private run(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'SendMessage': {
        const queue = this.queue(input);
        const message = enqueue(queue, input);
        return { MessageId: message.messageId, MD5OfMessageBody: message.md5OfBody };
      }
      case 'SendMessageBatch':
        return sendBatch(this.queue(input), input);
      case 'ReceiveMessage': {
        const max = Number(input.MaxNumberOfMessages ?? 1);
        if (!Number.isInteger(max) || max < 1 || max > 10) {
          throw invalid('MaxNumberOfMessages must be between 1 and 10');
        }
        return { Messages: this.queue(input).receive(max).map(toWire) };
      }
      case 'DeleteMessage': {
        const handle = input.ReceiptHandle;
        if (typeof handle !== 'string') throw invalid('ReceiptHandle is required');
        this.queue(input).delete(handle);
        return {};
      }
      case 'GetQueueAttributes': {
        const queue = this.queue(input);
        const { visible, inFlight, delayed } = queue.counts();
        return {
          Attributes: {
            QueueArn: queue.arn,
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(inFlight),
            ApproximateNumberOfMessagesDelayed: String(delayed),
          },
        };
      }
      default:
        throw new SqsError(
          'UnsupportedOperation',
          'AWS.SimpleQueueService.UnsupportedOperation',
          `${operation} is not emulated locally`,
        );
    }
  }
}

function enqueue(queue: LocalQueue, entry: Record<string, unknown>): QueuedMessage {
  const body = entry.MessageBody;
  if (typeof body !== 'string' || body.length === 0) throw invalid('MessageBody is required');
  if (Buffer.byteLength(body) > SQS_MAX_MESSAGE_BYTES) {
    throw invalid(
      `One or more parameters are invalid. Reason: Message must be shorter than ${SQS_MAX_MESSAGE_BYTES} bytes.`,
    );
  }
  const delay = Number(entry.DelaySeconds ?? 0);
  if (!Number.isInteger(delay) || delay < 0 || delay > 900) {
    throw invalid('DelaySeconds must be between 0 and 900');
  }
  const attributes = (entry.MessageAttributes ?? {}) as Record<string, MessageAttribute>;
  return queue.send(body, attributes, delay);
}

function sendBatch(queue: LocalQueue, input: Record<string, unknown>) {
  const entries = input.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new SqsError(
      'EmptyBatchRequest',
      'AWS.SimpleQueueService.EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}.`,
    );
  }
  const typed = entries as Record<string, unknown>[];
  const ids = new Set(typed.map((e) => e.Id));
  if (ids.size !== typed.length) {
    throw new SqsError(
      'BatchEntryIdsNotDistinct',
      'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      'Two or more batch entries in the request have the same Id.',
    );
  }
  const total = typed.reduce((n, e) => n + Buffer.byteLength(String(e.MessageBody ?? '')), 0);
  if (total > SQS_MAX_MESSAGE_BYTES) {
    throw new SqsError(
      'BatchRequestTooLong',
      'AWS.SimpleQueueService.BatchRequestTooLong',
      `Batch requests cannot be longer than ${SQS_MAX_MESSAGE_BYTES} bytes.`,
    );
  }
  const Successful: unknown[] = [];
  const Failed: unknown[] = [];
  for (const entry of typed) {
    try {
      const message = enqueue(queue, entry);
      Successful.push({
        Id: entry.Id,
        MessageId: message.messageId,
        MD5OfMessageBody: message.md5OfBody,
      });
    } catch (error) {
      const e = error instanceof SqsError ? error : invalid(String(error));
      Failed.push({ Id: entry.Id, SenderFault: true, Code: e.type, Message: e.message });
    }
  }
  return { Successful, Failed };
}

function toWire(message: QueuedMessage) {
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    Attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
    },
    MessageAttributes: message.attributes,
  };
}

/** A request larger than a full batch and its JSON envelope is refused unread. */
const MAX_REQUEST_BYTES = 2 * SQS_MAX_MESSAGE_BYTES;

function send(res: ServerResponse, status: number, value: unknown): void {
  res.setHeader('x-amzn-RequestId', newAwsRequestId());
  sendJson(res, status, value, 'application/x-amz-json-1.0');
}
