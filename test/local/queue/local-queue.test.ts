/**
 * The emulated SQS queue and Lambda's event source mapping over it: delays, visibility
 * timeouts, receive counts, redrive to the dead-letter queue, partial batch failures and
 * the worker's concurrency, as the fan-out relies on them on AWS.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueEventSource } from '../../../local/queue/event-source.js';
import { LocalQueue } from '../../../local/queue/local-queue.js';

let dlq: LocalQueue;
let queue: LocalQueue;

beforeEach(() => {
  vi.useFakeTimers();
  dlq = new LocalQueue({ name: 'dlq', url: 'http://x/123456789012/dlq' });
  queue = new LocalQueue({
    name: 'q',
    url: 'http://x/123456789012/q',
    visibilityTimeoutSeconds: 30,
    maxReceiveCount: 3,
    deadLetterQueue: dlq,
  });
});
afterEach(() => {
  queue.close();
  dlq.close();
  vi.useRealTimers();
});

describe('LocalQueue', () => {
  it('holds a delayed message until its delay has passed', () => {
    queue.send('later', {}, 5);
    expect(queue.receive(10)).toEqual([]);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
    vi.advanceTimersByTime(5_000);
    expect(queue.receive(10).map((m) => m.body)).toEqual(['later']);
  });

  it('hides a received message for the visibility timeout, then brings it back counted', () => {
    queue.send('job');
    const [first] = queue.receive(10);
    expect(first?.receiveCount).toBe(1);
    expect(queue.receive(10)).toEqual([]);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    vi.advanceTimersByTime(30_000);
    const [again] = queue.receive(10);
    expect(again?.receiveCount).toBe(2);
    // The first receive's handle is stale now: it deletes nothing.
    expect(queue.delete(first?.receiptHandle ?? '')).toBe(false);
    expect(queue.delete(again?.receiptHandle ?? '')).toBe(true);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('moves a message to the dead-letter queue when a receive would pass maxReceiveCount', () => {
    queue.send('poison', { endpoint: { DataType: 'String', StringValue: 'e' } });
    for (let i = 0; i < 3; i++) {
      expect(queue.receive(1)).toHaveLength(1);
      vi.advanceTimersByTime(30_000);
    }
    expect(queue.receive(1)).toEqual([]);
    expect(queue.movedToDeadLetter).toBe(1);
    expect(dlq.peek().map((m) => [m.body, m.attributes.endpoint?.StringValue])).toEqual([
      ['poison', 'e'],
    ]);
  });
});

describe('QueueEventSource', () => {
  type Invoke = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  const log = () => {};
  const start = (invoke: Invoke, batchSize = 2, maxConcurrency = 2) =>
    new QueueEventSource({ queue, invoke, batchSize, maxConcurrency, log });

  it('invokes the worker with batches and deletes what succeeded', async () => {
    const seen: string[][] = [];
    const source = start(async (event) => {
      seen.push(event.Records.map((r) => r.body));
      expect(event.Records[0]).toMatchObject({
        eventSource: 'aws:sqs',
        eventSourceARN: queue.arn,
        attributes: { ApproximateReceiveCount: '1' },
      });
      return { batchItemFailures: [] };
    });
    for (const body of ['a', 'b', 'c']) queue.send(body);
    await source.idle();
    expect(seen.flat().sort()).toEqual(['a', 'b', 'c']);
    expect(seen.every((batch) => batch.length <= 2)).toBe(true);
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    await source.stop();
  });

  it('keeps a reported record for the visibility timeout and deletes the rest', async () => {
    let calls = 0;
    const source = start(async (event) => {
      calls++;
      const bad = event.Records.find((r) => r.body === 'bad');
      return { batchItemFailures: bad ? [{ itemIdentifier: bad.messageId }] : [] };
    });
    queue.send('good');
    queue.send('bad');
    await source.idle();
    expect(queue.counts()).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    expect(source.stats.recordFailures).toBe(1);
    vi.advanceTimersByTime(30_000);
    await source.idle();
    expect(calls).toBe(2);
    await source.stop();
  });

  it('brings back the whole batch when the worker throws, and dead-letters it at last', async () => {
    const source = start(async () => {
      throw new Error('Task timed out after 30.00 seconds');
    }, 10);
    queue.send('doomed');
    for (let i = 0; i < 3; i++) {
      await source.idle();
      vi.advanceTimersByTime(30_000);
    }
    await source.idle();
    expect(source.stats.failedInvocations).toBe(3);
    expect(dlq.peek().map((m) => m.body)).toEqual(['doomed']);
    await source.stop();
  });

  it('treats an answer naming an unknown record as a failure of the whole batch', async () => {
    const source = start(async () => ({ batchItemFailures: [{ itemIdentifier: 'nope' }] }));
    queue.send('x');
    await source.idle();
    expect(queue.counts().inFlight).toBe(1);
    await source.stop();
  });

  it('runs at most maxConcurrency invocations at once', async () => {
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const source = start(
      (event) =>
        new Promise((resolve) => {
          running++;
          most = Math.max(most, running);
          release.push(() => {
            running--;
            resolve({ batchItemFailures: [] });
          });
          expect(event.Records).toHaveLength(1);
        }),
      1,
      3,
    );
    for (let i = 0; i < 10; i++) queue.send(String(i));
    await vi.waitFor(() => expect(release).toHaveLength(3));
    while (release.length > 0) {
      release.shift()?.();
      await vi.waitFor(() => expect(running).toBeLessThanOrEqual(3));
    }
    await source.idle();
    expect(most).toBe(3);
    await source.stop();
  });
});
