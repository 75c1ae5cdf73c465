/**
 * One worker thread of the load generator (load.ts): it holds its share of the clients
 * (load-split.ts), connects and joins them, sends the messages whose sender it holds on the
 * shared schedule, checks what its clients receive, and measures its own event-loop delay.
 * Its times are its own `performance.now()`; the schedule arrives as epoch milliseconds.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import {
  type ChatConnection,
  countError,
  createDriver,
  type DriverTarget,
  tokenFor,
} from './drivers.js';
import type { LoadPart } from './load-split.js';
import { LOOP_DELAY_RESOLUTION_MS, loopLatenessMs } from './loop-delay.js';
import { mapLimit } from './map-limit.js';
import { raiseThreadPriority } from './thread-priority.js';

export interface WorkerSetup {
  entry: string;
  target: DriverTarget;
}

export type ToWorker =
  | {
      type: 'connect';
      clients: { index: number; userId: string }[];
      concurrency: number;
    }
  | {
      type: 'join';
      /** Room id per client index this worker holds. */
      rooms: { index: number; roomId: string }[];
      concurrency: number;
    }
  | { type: 'run'; plan: WorkerRunPlan }
  | { type: 'finish' }
  | { type: 'close' };

export interface WorkerRunPlan {
  /** Epoch ms of message 0's scheduled send. */
  t0Epoch: number;
  intervalMs: number;
  total: number;
  senders: Int32Array;
  /** Room index of every client (all of them, not only this worker's). */
  roomOf: Int32Array;
  roomIds: string[];
  /** Members per room index (all workers). */
  memberCount: Int32Array;
  /** Members per room index that this worker holds. */
  localMembers: Int32Array;
  /** The client indices this worker holds (joined), to tell its own senders. */
  local: Int32Array;
  /** The message indices this worker sends. */
  mine: number[];
  prefix: string;
  pad: string;
  /** Clients (of all workers) that send `typing start` every `typingEveryMs` meanwhile. */
  typers?: Int32Array;
  typingEveryMs?: number;
}

export type FromWorker =
  | {
      type: 'connected';
      connected: number[];
      connectMs: number[];
      errors: Record<string, number>;
      /** The nice value this thread runs at (thread-priority.ts). */
      nice: number;
    }
  | { type: 'joined'; joined: number[]; errors: Record<string, number> }
  | { type: 'progress'; fired: number; replies: number; delivered: number; expected: number }
  | { type: 'part'; part: LoadPart }
  | { type: 'closed' }
  | { type: 'failed'; message: string };

const port = parentPort;
if (!port) throw new Error('load-worker.ts runs as a worker thread');
const setup = workerData as WorkerSetup;
const nice = raiseThreadPriority();
const driver = await createDriver(setup.target);
const conns = new Map<number, ChatConnection>();
let sink: ((receiver: number, roomId: string, id: string, at: number) => void) | undefined;
let finish: (() => void) | undefined;

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

async function connect(clients: { index: number; userId: string }[], concurrency: number) {
  const connected: number[] = [];
  const connectMs: number[] = [];
  const errors: Record<string, number> = {};
  // Every token first: signing them while the handshakes run would take the CPU the
  // servers' handshakes need, and the clock counts from the handshake on.
  const tokens = await Promise.all(clients.map(({ userId }) => tokenFor(setup.target, userId)));
  await mapLimit(clients, concurrency, async ({ index, userId }, i) => {
    try {
      const conn = await driver.connect(userId, tokens[i]);
      conn.onMessage((d, at) =>
        sink?.(index, d.roomId, d.clientMsgId ?? d.content.slice(0, d.content.indexOf(' ')), at),
      );
      conns.set(index, conn);
      connected.push(index);
      connectMs.push(conn.connectMs);
    } catch (error) {
      countError(errors, error);
    }
  });
  post({ type: 'connected', connected, connectMs, errors, nice });
}

async function join(rooms: { index: number; roomId: string }[], concurrency: number) {
  const joined: number[] = [];
  const errors: Record<string, number> = {};
  await mapLimit(rooms, concurrency, async ({ index, roomId }) => {
    const conn = conns.get(index);
    if (!conn) return;
    try {
      await conn.join(roomId);
      joined.push(index);
    } catch (error) {
      countError(errors, error);
      conns.delete(index);
      void conn.close();
    }
  });
  post({ type: 'joined', joined, errors });
}

function run(plan: WorkerRunPlan) {
  const { total, senders, roomOf, prefix } = plan;
  const schedOffset = plan.t0Epoch - performance.timeOrigin;
  const sched = (k: number) => schedOffset + k * plan.intervalMs;
  const senderOf = (k: number) => senders[k % senders.length] ?? 0;
  const part: LoadPart = {
    fired: 0,
    replies: 0,
    lostSends: 0,
    duplicates: 0,
    unexpected: 0,
    uniqueDelivered: 0,
    errors: {},
    acked: new Uint8Array(total),
    got: new Int32Array(total),
    ackLatency: new Float64Array(0),
    ackService: new Float64Array(0),
    deliveryLatency: new Float64Array(0),
    maxSendLagMs: 0,
    lastDeliveryMs: 0,
    loopDelayP99Ms: Number.NaN,
  };
  const ackLat: number[] = [];
  const ackService: number[] = [];
  const deliveryLat: number[] = [];
  // Receivers per message until all its owed deliveries here arrived; then only `complete`,
  // so an hour-long soak does not keep a set per message.
  const seen = new Map<number, Set<number>>();
  const complete = new Uint8Array(total);
  const owedHere = (room: number) => plan.localMembers[room] ?? 0;
  let expected = 0;
  const localSet = new Set(plan.local);

  sink = (receiver, _roomId, id, at) => {
    if (!id.startsWith(prefix)) {
      part.unexpected += 1;
      return;
    }
    const k = Number(id.slice(prefix.length));
    if (
      !(Number.isInteger(k) && k >= 0 && k < total) ||
      receiver === senderOf(k) ||
      roomOf[receiver] !== roomOf[senderOf(k)]
    ) {
      part.unexpected += 1;
      return;
    }
    if (complete[k]) {
      part.duplicates += 1;
      return;
    }
    let set = seen.get(k);
    if (!set) {
      set = new Set();
      seen.set(k, set);
    }
    if (set.has(receiver)) {
      part.duplicates += 1;
      return;
    }
    set.add(receiver);
    const room = roomOf[receiver] ?? 0;
    // Owed here: this worker's members of the room, less the sender when it is one of them.
    const owed = owedHere(room) - (localSet.has(senderOf(k)) ? 1 : 0);
    if (set.size >= owed) {
      seen.delete(k);
      complete[k] = 1;
    }
    part.got[k] = (part.got[k] ?? 0) + 1;
    part.uniqueDelivered += 1;
    deliveryLat.push(at - sched(k));
    const sinceStart = at - schedOffset;
    if (sinceStart > part.lastDeliveryMs) part.lastDeliveryMs = sinceStart;
  };

  const fire = (k: number, now: number) => {
    const sender = senderOf(k);
    const conn = conns.get(sender);
    const room = roomOf[sender] ?? 0;
    const lag = now - sched(k);
    if (lag > part.maxSendLagMs) part.maxSendLagMs = lag;
    part.fired += 1;
    const clientMsgId = `${prefix}${k}`;
    if (!conn) {
      part.replies += 1;
      part.lostSends += 1;
      part.errors.closed = (part.errors.closed ?? 0) + 1;
      return;
    }
    void conn
      .send(plan.roomIds[room] ?? '', `${clientMsgId} ${plan.pad}`, clientMsgId)
      .then((out) => {
        part.replies += 1;
        if (out.ok) {
          part.acked[k] = 1;
          expected += (plan.memberCount[room] ?? 1) - 1;
          ackLat.push(out.repliedAt - sched(k));
          ackService.push(out.repliedAt - out.sentAt);
        } else {
          const code = out.code ?? 'unknown';
          part.errors[code] = (part.errors[code] ?? 0) + 1;
          if (code === 'timeout' || code === 'closed') part.lostSends += 1;
        }
      });
  };

  const loop = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loop.enable();
  let next = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = performance.now();
    while (next < plan.mine.length && sched(plan.mine[next] ?? 0) <= now) {
      fire(plan.mine[next] ?? 0, performance.now());
      next += 1;
    }
    if (next < plan.mine.length) {
      timer = setTimeout(tick, Math.max(0, sched(plan.mine[next] ?? 0) - performance.now()));
    }
  };
  timer = setTimeout(tick, Math.max(0, sched(plan.mine[0] ?? 0) - performance.now()));
  const typing = startTyping(plan);
  const progress = setInterval(() => {
    post({
      type: 'progress',
      fired: part.fired,
      replies: part.replies,
      delivered: part.uniqueDelivered,
      expected,
    });
  }, 50);

  finish = () => {
    clearInterval(typing);
    clearTimeout(timer);
    clearInterval(progress);
    loop.disable();
    sink = undefined;
    part.loopDelayP99Ms = loopLatenessMs(loop.percentile(99) / 1e6);
    // Copies: replies that arrive after this point must not change what was reported.
    const out: LoadPart = {
      ...part,
      errors: { ...part.errors },
      acked: part.acked.slice(),
      got: part.got.slice(),
      ackLatency: Float64Array.from(ackLat),
      ackService: Float64Array.from(ackService),
      deliveryLatency: Float64Array.from(deliveryLat),
    };
    post({ type: 'part', part: out }, [
      out.acked.buffer,
      out.got.buffer,
      out.ackLatency.buffer,
      out.ackService.buffer,
      out.deliveryLatency.buffer,
    ] as ArrayBuffer[]);
  };
}

/** Typing tick: the typers this worker holds, spread over the period in 100 ms slots. */
const TYPING_TICK_MS = 100;

function startTyping(plan: WorkerRunPlan): NodeJS.Timeout | undefined {
  const every = plan.typingEveryMs;
  if (!every || !plan.typers?.length) return undefined;
  const local = new Set(plan.local);
  const mine = [...plan.typers].filter((i) => local.has(i));
  const slots = Math.max(1, Math.round(every / TYPING_TICK_MS));
  let tick = 0;
  return setInterval(() => {
    const slot = tick++ % slots;
    for (const i of mine) {
      if (i % slots !== slot) continue;
      conns.get(i)?.typing?.(plan.roomIds[plan.roomOf[i] ?? 0] ?? '');
    }
  }, TYPING_TICK_MS);
}

async function close() {
  sink = undefined;
  const all = [...conns.values()];
  conns.clear();
  await Promise.race([
    mapLimit(all, 500, (c) => c.close().catch(() => undefined)),
    new Promise((resolve) => setTimeout(resolve, 30_000).unref()),
  ]);
  post({ type: 'closed' });
}

port.on('message', (message: ToWorker) => {
  const handle = async () => {
    switch (message.type) {
      case 'connect':
        return connect(message.clients, message.concurrency);
      case 'join':
        return join(message.rooms, message.concurrency);
      case 'run':
        return run(message.plan);
      case 'finish':
        return finish?.();
      case 'close':
        return close();
    }
  };
  handle().catch((error: unknown) =>
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
});
