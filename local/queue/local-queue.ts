/**
 * One SQS standard queue, in memory, with the semantics Parley's fan-out relies on:
 * per-message delay, a visibility timeout that brings back a received message unless it
 * is deleted, `ApproximateReceiveCount`, and a redrive policy that moves a message to its
 * dead-letter queue when a receive would take it past `maxReceiveCount`. Delivery is at
 * least once, as on SQS; unlike SQS, order is first-in first-out and nothing is sampled.
 */
import { createHash, randomUUID } from 'node:crypto';

export interface MessageAttribute {
  DataType: string;
  StringValue?: string;
}

export interface QueuedMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, MessageAttribute>;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt: number | undefined;
  /** The receipt handle of the current receive; a stale handle deletes nothing. */
  receiptHandle: string | undefined;
  /** Not receivable before this time (a delay, or in flight after a receive). */
  visibleAt: number;
}

export interface LocalQueueOptions {
  name: string;
  url: string;
  /** SQS's default is 30 s. */
  visibilityTimeoutSeconds?: number;
  /** Redrive: past this many receives, a message moves to `deadLetterQueue`. */
  maxReceiveCount?: number;
  deadLetterQueue?: LocalQueue;
}

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

export class LocalQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  private readonly visibilityMs: number;
  private readonly maxReceiveCount: number | undefined;
  private readonly deadLetterQueue: LocalQueue | undefined;
  private readonly messages = new Map<string, QueuedMessage>();
  private readonly listeners = new Set<() => void>();
  /** One timer for the earliest time a message turns visible, rather than one a message. */
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  /** Messages this queue moved to its dead-letter queue, and why SQS would say it did. */
  movedToDeadLetter = 0;

  constructor(options: LocalQueueOptions) {
    this.name = options.name;
    this.url = options.url;
    this.arn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${options.name}`;
    this.visibilityMs = (options.visibilityTimeoutSeconds ?? 30) * 1000;
    this.maxReceiveCount = options.maxReceiveCount;
    this.deadLetterQueue = options.deadLetterQueue;
  }

  /** Called whenever a message may have become receivable. */
  onAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(
    body: string,
    attributes: Record<string, MessageAttribute> = {},
    delaySeconds = 0,
  ): QueuedMessage {
    const now = Date.now();
    const message: QueuedMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      attributes,
      sentAt: now,
      receiveCount: 0,
      firstReceivedAt: undefined,
      receiptHandle: undefined,
      visibleAt: now + delaySeconds * 1000,
    };
    this.messages.set(message.messageId, message);
    this.schedule(message.visibleAt);
    return message;
  }

  /**
   * Up to `max` visible messages, each now in flight for the visibility timeout. A message
   * whose receive would pass `maxReceiveCount` moves to the dead-letter queue instead.
   */
  receive(max: number): QueuedMessage[] {
    const now = Date.now();
    const out: QueuedMessage[] = [];
    for (const message of this.messages.values()) {
      if (out.length >= max) break;
      if (message.visibleAt > now) continue;
      if (this.maxReceiveCount !== undefined && message.receiveCount >= this.maxReceiveCount) {
        this.messages.delete(message.messageId);
        this.movedToDeadLetter++;
        this.deadLetterQueue?.send(message.body, message.attributes);
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.receiptHandle = `${message.messageId}:${randomUUID()}`;
      message.visibleAt = now + this.visibilityMs;
      this.schedule(message.visibleAt);
      // A copy, as SQS hands out: its receipt handle stays this receive's.
      out.push({ ...message });
    }
    return out;
  }

  /** Deletes a received message; false when the handle is stale (it was received again). */
  delete(receiptHandle: string): boolean {
    const messageId = receiptHandle.split(':')[0] ?? '';
    const message = this.messages.get(messageId);
    if (!message || message.receiptHandle !== receiptHandle) return false;
    this.messages.delete(messageId);
    return true;
  }

  /** What GetQueueAttributes reports. */
  counts(): { visible: number; inFlight: number; delayed: number } {
    const now = Date.now();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    for (const message of this.messages.values()) {
      if (message.visibleAt <= now) visible++;
      else if (message.receiptHandle !== undefined) inFlight++;
      else delayed++;
    }
    return { visible, inFlight, delayed };
  }

  /** Every message still held, for tests and the dev server's inspection. */
  peek(): readonly QueuedMessage[] {
    return [...this.messages.values()];
  }

  /** Removes every message, as PurgeQueue does, and returns them. */
  purge(): QueuedMessage[] {
    const all = [...this.messages.values()];
    this.messages.clear();
    return all;
  }

  close(): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.listeners.clear();
  }

  private schedule(at: number): void {
    const now = Date.now();
    if (at <= now) {
      queueMicrotask(() => this.notify());
      return;
    }
    if (at >= this.wakeAt && this.wakeTimer) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => this.wake(), at - now);
    this.wakeTimer.unref();
  }

  private wake(): void {
    this.wakeTimer = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const message of this.messages.values()) {
      if (message.visibleAt > now && message.visibleAt < next) next = message.visibleAt;
    }
    if (next !== Number.POSITIVE_INFINITY) this.schedule(next);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
