/**
 * How the load generator spreads its clients over worker threads, and how it puts their
 * figures back together. Pure, so the split and the merge are tested on their own
 * (test/bench/load-split.test.ts). One thread for 1,000 clients had an event-loop delay
 * larger than the differences the steady verdicts must see
 * (docs/decisions/2026-12-06-dev-server-and-bench.md).
 */
import { positiveIntegerSetting } from './settings.js';

/** Clients one worker thread is given at most; more clients, more workers. */
export const CLIENTS_PER_WORKER = 250;
/** Worker threads at most: beyond it the threads fight for the cores the servers need. */
export const MAX_WORKERS = 4;

/** Worker threads for `clients` clients; BENCH_WORKERS (a positive integer) overrides. */
export function workerCount(clients: number, override?: string): number {
  const byDefault = Math.max(1, Math.min(MAX_WORKERS, Math.ceil(clients / CLIENTS_PER_WORKER)));
  const n = positiveIntegerSetting('BENCH_WORKERS', override, byDefault);
  return Math.max(1, Math.min(n, clients));
}

/**
 * The worker that holds client `i` of `clients`: contiguous blocks. Rooms are `i mod rooms`,
 * so a room's members fall in every block and a message's deliveries are spread over the
 * threads (round robin would put a whole room in one thread when `rooms` is a multiple of
 * `workers`, and each of its messages would land on one loop at once).
 */
export function ownerOf(client: number, workers: number, clients: number): number {
  return Math.min(workers - 1, Math.floor((client * workers) / clients));
}

/** The clients worker `w` of `workers` holds, in order. */
export function clientsOf(w: number, workers: number, clients: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < clients; i++) if (ownerOf(i, workers, clients) === w) out.push(i);
  return out;
}

/**
 * The messages worker `w` sends: message k goes from `senders[k % senders.length]`, the same
 * sender order as one thread used, so a run's traffic does not depend on the split.
 */
export function messagesOf(
  w: number,
  workers: number,
  clients: number,
  senders: ArrayLike<number>,
  total: number,
): number[] {
  const out: number[] = [];
  for (let k = 0; k < total; k++) {
    if (ownerOf(senders[k % senders.length] ?? 0, workers, clients) === w) out.push(k);
  }
  return out;
}

/** What one worker measured over one load run. Times are ms; `got`/`acked` are per message. */
export interface LoadPart {
  fired: number;
  replies: number;
  lostSends: number;
  duplicates: number;
  unexpected: number;
  uniqueDelivered: number;
  errors: Record<string, number>;
  /** Per message: 1 when this worker sent it and it was acked. */
  acked: Uint8Array;
  /** Per message: distinct members this worker holds that received it. */
  got: Int32Array;
  ackLatency: Float64Array;
  ackService: Float64Array;
  deliveryLatency: Float64Array;
  maxSendLagMs: number;
  /** Last delivery, ms after the first scheduled send; 0 when none arrived. */
  lastDeliveryMs: number;
  /** p99 of this worker's event-loop delay over the run, ms. */
  loopDelayP99Ms: number;
}

export interface MergedLoad extends Omit<LoadPart, 'loopDelayP99Ms'> {
  /** Each worker's event-loop delay p99, ms, in worker order. */
  loopDelayP99sMs: number[];
}

function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Sums the workers' counts, ORs their acks, adds up per-message deliveries. */
export function mergeParts(parts: readonly LoadPart[], total: number): MergedLoad {
  const acked = new Uint8Array(total);
  const got = new Int32Array(total);
  const errors: Record<string, number> = {};
  let fired = 0;
  let replies = 0;
  let lostSends = 0;
  let duplicates = 0;
  let unexpected = 0;
  let uniqueDelivered = 0;
  let maxSendLagMs = 0;
  let lastDeliveryMs = 0;
  for (const part of parts) {
    fired += part.fired;
    replies += part.replies;
    lostSends += part.lostSends;
    duplicates += part.duplicates;
    unexpected += part.unexpected;
    uniqueDelivered += part.uniqueDelivered;
    maxSendLagMs = Math.max(maxSendLagMs, part.maxSendLagMs);
    lastDeliveryMs = Math.max(lastDeliveryMs, part.lastDeliveryMs);
    for (const [code, n] of Object.entries(part.errors)) errors[code] = (errors[code] ?? 0) + n;
    for (let k = 0; k < total; k++) {
      acked[k] = (acked[k] ?? 0) | (part.acked[k] ?? 0);
      got[k] = (got[k] ?? 0) + (part.got[k] ?? 0);
    }
  }
  return {
    fired,
    replies,
    lostSends,
    duplicates,
    unexpected,
    uniqueDelivered,
    errors,
    acked,
    got,
    ackLatency: concat(parts.map((p) => p.ackLatency)),
    ackService: concat(parts.map((p) => p.ackService)),
    deliveryLatency: concat(parts.map((p) => p.deliveryLatency)),
    maxSendLagMs,
    lastDeliveryMs,
    loopDelayP99sMs: parts.map((p) => p.loopDelayP99Ms),
  };
}
