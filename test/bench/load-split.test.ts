/** The load generator's split over worker threads, and how their figures are merged. */
import { describe, expect, it } from 'vitest';
import {
  clientsOf,
  type LoadPart,
  MAX_WORKERS,
  mergeParts,
  messagesOf,
  ownerOf,
  workerCount,
} from '../../bench/load-split.js';

describe('workerCount', () => {
  it('gives the steady load (1,000 clients) several threads and a small run one', () => {
    expect(workerCount(1_000)).toBe(MAX_WORKERS);
    expect(workerCount(1_000)).toBeGreaterThan(1);
    expect(workerCount(100)).toBe(1);
    expect(workerCount(20_000)).toBe(MAX_WORKERS);
  });

  it('takes BENCH_WORKERS, never more threads than clients, and refuses nonsense', () => {
    expect(workerCount(1_000, '2')).toBe(2);
    expect(workerCount(3, '8')).toBe(3);
    expect(() => workerCount(10, '0')).toThrow(/BENCH_WORKERS/);
    expect(() => workerCount(10, 'two')).toThrow(/BENCH_WORKERS/);
  });
});

describe('the split', () => {
  it('puts every client in exactly one worker, rooms spread over all of them', () => {
    const workers = 4;
    const seen = new Set<number>();
    for (let w = 0; w < workers; w++) {
      for (const i of clientsOf(w, workers, 1_000)) {
        expect(seen.has(i)).toBe(false);
        expect(ownerOf(i, workers, 1_000)).toBe(w);
        seen.add(i);
      }
    }
    expect(seen.size).toBe(1_000);
    // Room r holds clients r, r + 100, ...: with 4 workers each room has members in every one,
    // so a message's deliveries do not all land on one thread.
    for (const r of [0, 7, 99]) {
      const room = Array.from({ length: 10 }, (_, j) => r + 100 * j);
      expect(new Set(room.map((i) => ownerOf(i, workers, 1_000))).size).toBe(workers);
    }
  });

  it('sends each message from exactly one worker, the one holding its sender', () => {
    const senders = [5, 2, 9, 4];
    const owners = [0, 1, 2].map((w) => messagesOf(w, 3, 12, senders, 10));
    const all = owners.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 10 }, (_, k) => k));
    for (const [w, ks] of owners.entries()) {
      for (const k of ks) expect(ownerOf(senders[k % senders.length] ?? -1, 3, 12)).toBe(w);
    }
  });
});

const part = (over: Partial<LoadPart>): LoadPart => ({
  fired: 0,
  replies: 0,
  lostSends: 0,
  duplicates: 0,
  unexpected: 0,
  uniqueDelivered: 0,
  errors: {},
  acked: new Uint8Array(3),
  got: new Int32Array(3),
  ackLatency: new Float64Array(0),
  ackService: new Float64Array(0),
  deliveryLatency: new Float64Array(0),
  maxSendLagMs: 0,
  lastDeliveryMs: 0,
  loopDelayP99Ms: 0,
  ...over,
});

describe('mergeParts', () => {
  it('adds counts and deliveries, ORs acks, keeps every sample and each thread delay', () => {
    const merged = mergeParts(
      [
        part({
          fired: 2,
          replies: 2,
          errors: { timeout: 1 },
          acked: Uint8Array.from([1, 0, 0]),
          got: Int32Array.from([0, 2, 1]),
          deliveryLatency: Float64Array.from([1, 2, 3]),
          maxSendLagMs: 0.5,
          lastDeliveryMs: 900,
          loopDelayP99Ms: 1.2,
        }),
        part({
          fired: 1,
          replies: 1,
          duplicates: 1,
          errors: { timeout: 2, rate_limited: 1 },
          acked: Uint8Array.from([0, 1, 0]),
          got: Int32Array.from([3, 1, 0]),
          deliveryLatency: Float64Array.from([4]),
          maxSendLagMs: 3,
          lastDeliveryMs: 700,
          loopDelayP99Ms: 2.5,
        }),
      ],
      3,
    );
    expect(merged.fired).toBe(3);
    expect(merged.replies).toBe(3);
    expect(merged.duplicates).toBe(1);
    expect(merged.errors).toEqual({ timeout: 3, rate_limited: 1 });
    expect([...merged.acked]).toEqual([1, 1, 0]);
    expect([...merged.got]).toEqual([3, 3, 1]);
    expect([...merged.deliveryLatency].sort()).toEqual([1, 2, 3, 4]);
    expect(merged.maxSendLagMs).toBe(3);
    expect(merged.lastDeliveryMs).toBe(900);
    expect(merged.loopDelayP99sMs).toEqual([1.2, 2.5]);
  });
});
