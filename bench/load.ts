/**
 * The load generator. A population of clients joins its rooms; then messages go out on a
 * fixed schedule (message k at t0 + k / rate, senders in turn), whatever the replies are
 * doing: an open loop, and every latency is measured from the SCHEDULED send time, so a
 * server that stalls is charged for the messages that queued behind the stall (no
 * coordinated omission). Deliveries are checked per receiver: expected, received,
 * duplicates, strays.
 *
 * The clients live in worker threads (load-worker.ts, split by load-split.ts), each with its
 * own event loop: one loop for 1,000 clients was late by more than the differences the
 * verdicts must see (docs/decisions/2026-12-06-dev-server-and-bench.md). Every run reports
 * the threads' event-loop delay.
 */
import { Worker } from 'node:worker_threads';
import { type ChatConnection, countError, type Driver } from './drivers.js';
import { clientsOf, type LoadPart, mergeParts, messagesOf, workerCount } from './load-split.js';
import type { FromWorker, ToWorker, WorkerSetup } from './load-worker.js';
import { describeLoopDelay, generatorLoopDelayMs } from './loop-delay.js';
import { mapLimit } from './map-limit.js';
import { percentiles } from './scenario.js';
import { machineCpu, storesCpu, storesCpuBetween } from './servers.js';
import { describeGeneratorPriority } from './thread-priority.js';

export { mapLimit };

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export { countError };

const addErrors = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [code, n] of Object.entries(from)) into[code] = (into[code] ?? 0) + n;
};

/** Every load run's generator event-loop delay p99 (ms) in this process, for the report. */
export const generatorLoopDelays: { label: string; p99Ms: number }[] = [];

// --- Worker threads ------------------------------------------------------------------------

const WORKER_BOOT = new URL('./load-worker-boot.mjs', import.meta.url);
const WORKER_ENTRY = new URL('./load-worker.ts', import.meta.url).href;

/** A worker thread and a way to wait for its next message of a type. */
class LoadWorker {
  private readonly thread: Worker;
  private readonly waiting = new Map<string, (message: FromWorker) => void>();
  private failure: Error | undefined;
  onProgress: ((message: Extract<FromWorker, { type: 'progress' }>) => void) | undefined;

  constructor(setup: Omit<WorkerSetup, 'entry'>) {
    const data: WorkerSetup = { entry: WORKER_ENTRY, ...setup };
    this.thread = new Worker(WORKER_BOOT, { workerData: data });
    this.thread.on('message', (message: FromWorker) => {
      if (message.type === 'progress') {
        this.onProgress?.(message);
        return;
      }
      if (message.type === 'failed') {
        this.fail(new Error(`load worker: ${message.message}`));
        return;
      }
      const waiter = this.waiting.get(message.type);
      this.waiting.delete(message.type);
      waiter?.(message);
    });
    this.thread.on('error', (error) => this.fail(error));
    this.thread.on('exit', (code) => this.fail(new Error(`load worker exited (${code})`)));
  }

  private fail(error: Error) {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter({ type: 'failed', message: error.message });
    this.waiting.clear();
  }

  /** Sends `message` and resolves with the worker's next message of type `reply`. */
  ask<T extends FromWorker['type']>(
    message: ToWorker,
    reply: T,
  ): Promise<Extract<FromWorker, { type: T }>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(reply, (answer) => {
        if (answer.type === 'failed') reject(this.failure ?? new Error(answer.message));
        else resolve(answer as Extract<FromWorker, { type: T }>);
      });
      this.thread.postMessage(message);
    });
  }

  /** Sends `message` without waiting for an answer. */
  tell(message: ToWorker) {
    this.thread.postMessage(message);
  }

  terminate() {
    this.thread.removeAllListeners('exit');
    return this.thread.terminate();
  }
}

export interface PopulationPlan {
  clients: number;
  rooms: number;
  /** Names this population's rooms and users; unique per scenario and system. */
  tag: string;
  /** Connections opening at once, over all worker threads. Default 100. */
  concurrency?: number;
  /** The user id of client i. Default: one user per client. */
  userOf?: (i: number) => string;
  /** The room of client i. Default: i mod rooms (rooms of equal size). */
  roomOf?: (i: number) => number;
  /** Whether to join the rooms at all (idle connections do not). Default true. */
  join?: boolean;
  /** The system's CPU time so far with its helper processes, seconds: the handshakes' cost. */
  serverTreeCpu?: () => number | null;
  log?: (message: string) => void;
}

export interface Population {
  driver: Driver;
  workers: LoadWorker[];
  clients: number;
  roomIds: string[];
  roomOf: Int32Array;
  /** Client indices that joined, per room. */
  members: number[][];
  /** Whether client i is connected (and, after the joins, joined). */
  live: Uint8Array;
  connected: number;
  connectSeconds: number;
  /** Connections per second, handshake (and Parley's $connect) included. */
  connectRate: number;
  /** Each connection's handshake, ms: { 50, 95, 99, 100 } (the token made before). */
  connectLatency: Record<number, number>;
  /** Server CPU per handshake (its helper processes included), ms; NaN when not measured. */
  connectCpuMs: number;
  joinSeconds: number;
  connectErrors: Record<string, number>;
  joinErrors: Record<string, number>;
  log?: (message: string) => void;
}

export async function connectPopulation(driver: Driver, plan: PopulationPlan): Promise<Population> {
  const concurrency = plan.concurrency ?? 100;
  const roomIds = Array.from({ length: plan.rooms }, (_, r) => `${plan.tag}-r${r}`);
  const roomOf = new Int32Array(plan.clients);
  for (let i = 0; i < plan.clients; i++) roomOf[i] = plan.roomOf?.(i) ?? i % plan.rooms;
  const n = workerCount(plan.clients, process.env.BENCH_WORKERS);
  const { name, wsUrl, httpUrl, jwtSecret } = driver.system;
  const workers = Array.from(
    { length: n },
    () => new LoadWorker({ target: { name, wsUrl, httpUrl, jwtSecret } }),
  );
  const pop: Population = {
    driver,
    workers,
    clients: plan.clients,
    roomIds,
    roomOf,
    members: roomIds.map(() => []),
    live: new Uint8Array(plan.clients),
    connected: 0,
    connectSeconds: 0,
    connectRate: 0,
    connectLatency: {},
    connectCpuMs: Number.NaN,
    joinSeconds: 0,
    connectErrors: {},
    joinErrors: {},
    ...(plan.log ? { log: plan.log } : {}),
  };
  const share = Math.max(1, Math.ceil(concurrency / n));
  try {
    const connectStarted = performance.now();
    const cpuBefore = plan.serverTreeCpu?.() ?? null;
    const connected = await Promise.all(
      workers.map((worker, w) =>
        worker.ask(
          {
            type: 'connect',
            clients: clientsOf(w, n, plan.clients).map((index) => ({
              index,
              userId: plan.userOf?.(index) ?? `${plan.tag}-u${index}`,
            })),
            concurrency: share,
          },
          'connected',
        ),
      ),
    );
    pop.connectSeconds = (performance.now() - connectStarted) / 1000;
    const cpuAfter = plan.serverTreeCpu?.() ?? null;
    const connectMs: number[] = [];
    for (const answer of connected) {
      for (const i of answer.connected) pop.live[i] = 1;
      pop.connected += answer.connected.length;
      connectMs.push(...answer.connectMs);
      addErrors(pop.connectErrors, answer.errors);
    }
    pop.connectRate = pop.connected / pop.connectSeconds;
    if (cpuBefore !== null && cpuAfter !== null && pop.connected > 0) {
      pop.connectCpuMs = ((cpuAfter - cpuBefore) * 1000) / pop.connected;
    }
    pop.connectLatency = percentiles(connectMs);
    plan.log?.(describeGeneratorPriority(connected.map((answer) => answer.nice)));
    plan.log?.(
      `connected: ${pop.connected}/${plan.clients} over ${n} worker thread(s) at ${pop.connectRate.toFixed(0)}/s, handshake p50 ${pop.connectLatency[50]?.toFixed(1)} ms${Number.isNaN(pop.connectCpuMs) ? '' : `, server CPU ${pop.connectCpuMs.toFixed(2)} ms per handshake`}${Object.keys(pop.connectErrors).length ? ` (errors: ${JSON.stringify(pop.connectErrors)})` : ''}`,
    );

    if (plan.join === false) return pop;
    const joinStarted = performance.now();
    const joined = await Promise.all(
      workers.map((worker, w) =>
        worker.ask(
          {
            type: 'join',
            rooms: clientsOf(w, n, plan.clients)
              .filter((i) => pop.live[i])
              .map((index) => ({ index, roomId: roomIds[roomOf[index] ?? 0] ?? '' })),
            concurrency: share,
          },
          'joined',
        ),
      ),
    );
    pop.joinSeconds = (performance.now() - joinStarted) / 1000;
    pop.live.fill(0);
    for (const answer of joined) {
      for (const i of answer.joined) pop.live[i] = 1;
      addErrors(pop.joinErrors, answer.errors);
    }
    for (let i = 0; i < plan.clients; i++) if (pop.live[i]) pop.members[roomOf[i] ?? 0]?.push(i);
    const joinErrors = Object.entries(pop.joinErrors).map(([code, k]) => `${code} ${k}`);
    plan.log?.(
      `joined: ${pop.live.reduce((a, b) => a + b, 0)}/${pop.connected}${joinErrors.length ? ` (errors: ${joinErrors.join(', ')})` : ''}`,
    );
    return pop;
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw error;
  }
}

/** Closes every connection (bounded: a socket that does not close in time is abandoned). */
export async function closePopulation(pop: Population): Promise<void> {
  const t0 = performance.now();
  await Promise.all(
    pop.workers.map(async (worker) => {
      await worker.ask({ type: 'close' }, 'closed').catch(() => undefined);
      await worker.terminate();
    }),
  );
  pop.workers = [];
  pop.log?.(
    `closed ${pop.connected} connections (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

/** A single connection in this thread, for scenarios that drive one client by hand. */
export type { ChatConnection };

export interface LoadPlan {
  /** Messages per second over the whole population. */
  rate: number;
  durationMs: number;
  /** How long to wait after the last send for outstanding acks and deliveries. */
  drainMs: number;
  /** Prefix of every clientMsgId of this run; unique per run. */
  tag: string;
  /** Characters per message. Default 100. */
  contentChars?: number;
  /** Only these clients send (default: every client that joined a room with others). */
  senders?: number[];
  /** The system's CPU time so far, seconds (from `SystemUnderTest.cpuSeconds`). */
  serverCpu?: () => number | null;
  log?: (message: string) => void;
  /** Clients that send `typing start` every `typingEveryMs` while the run lasts. */
  typers?: number[];
  typingEveryMs?: number;
}

export interface LoadResult {
  targetRate: number;
  durationSeconds: number;
  scheduled: number;
  acked: number;
  /** Failed sends by code: error replies, `timeout` (no reply in time), `closed`. */
  errors: Record<string, number>;
  /** From the scheduled send time to the ack, ms: { 50, 95, 99, 100 }. */
  ack: Record<number, number>;
  /** From the scheduled send time to each delivery to each other member, ms: { 0, 50, 95, 99, 100 }. */
  delivery: Record<number, number>;
  /** From the actual send to the ack, ms: the server's service time without queueing here. */
  ackService: Record<number, number>;
  /** Deliveries owed for acked messages (members of the room but the sender). */
  expected: number;
  /** Distinct deliveries of acked messages that arrived. */
  delivered: number;
  lostDeliveries: number;
  /** Sends that got no reply at all (timeout or closed socket). */
  lostSends: number;
  duplicates: number;
  /** Deliveries to the sender itself, to a non-member, or of a message not sent by this run. */
  unexpected: number;
  ackedPerSecond: number;
  deliveredPerSecond: number;
  /** How late the generator fired behind the schedule at worst, ms (its own lag). */
  maxSendLagMs: number;
  /** Wall time from the first scheduled send to the last delivery, ms. */
  lastDeliveryMs: number;
  /** CPU used over the run as a fraction of one core: the generator (all its threads), the server, the machine. */
  generatorCpu: number;
  serverCpu: number | null;
  machineCpu: number;
  /** All PostgreSQL processes, and Redis, as fractions of one core (see `storesCpu`). */
  postgresCpu: number;
  redisCpu: number;
  /** The generator's event-loop delay p99 over the run, ms: its worst worker thread. */
  loopDelayP99Ms: number;
  /** Each worker thread's event-loop delay p99, ms. */
  loopDelayP99sMs: number[];
  /** False when the drain timed out with acks or deliveries outstanding. */
  drained: boolean;
}

export async function runLoad(pop: Population, plan: LoadPlan): Promise<LoadResult> {
  const senders =
    plan.senders ??
    Array.from({ length: pop.clients }, (_, i) => i).filter(
      (i) => pop.live[i] && (pop.members[pop.roomOf[i] ?? 0]?.length ?? 0) > 1,
    );
  if (senders.length === 0) throw new Error('no client can send: no room has two members');
  const total = Math.max(1, Math.round((plan.rate * plan.durationMs) / 1000));
  const interval = 1000 / plan.rate;
  const prefix = `${plan.tag}.`;
  const pad = 'x'.repeat(Math.max(0, (plan.contentChars ?? 100) - prefix.length - 8));
  const memberCount = Int32Array.from(pop.members, (m) => m.length);
  const sendersArray = Int32Array.from(senders);
  const n = pop.workers.length;

  const progress = pop.workers.map(() => ({ fired: 0, replies: 0, delivered: 0, expected: 0 }));
  pop.workers.forEach((worker, w) => {
    worker.onProgress = (p) => {
      progress[w] = p;
    };
  });
  const sum = (key: 'fired' | 'replies' | 'delivered' | 'expected') =>
    progress.reduce((a, p) => a + p[key], 0);

  const cpu0 = process.cpuUsage();
  const server0 = plan.serverCpu?.() ?? null;
  const machine0 = machineCpu();
  const stores0 = storesCpu();
  // The workers need a moment to lay out their schedules: start 50 ms from now.
  const t0 = performance.now() + 50;
  const t0Epoch = performance.timeOrigin + t0;
  for (const [w, worker] of pop.workers.entries()) {
    const local = Int32Array.from(clientsOf(w, n, pop.clients).filter((i) => pop.live[i]));
    const localMembers = new Int32Array(pop.roomIds.length);
    for (const i of local)
      localMembers[pop.roomOf[i] ?? 0] = (localMembers[pop.roomOf[i] ?? 0] ?? 0) + 1;
    const message: ToWorker = {
      type: 'run',
      plan: {
        t0Epoch,
        intervalMs: interval,
        total,
        senders: sendersArray,
        roomOf: pop.roomOf,
        roomIds: pop.roomIds,
        memberCount,
        localMembers,
        local,
        mine: messagesOf(w, n, pop.clients, sendersArray, total),
        prefix,
        pad,
        ...(plan.typers ? { typers: Int32Array.from(plan.typers) } : {}),
        ...(plan.typingEveryMs ? { typingEveryMs: plan.typingEveryMs } : {}),
      },
    };
    // No answer: the worker sends its part when told to finish.
    worker.tell(message);
  }

  const sendEndAt = t0 + plan.durationMs;
  let lastLog = t0;
  while (performance.now() < sendEndAt || sum('fired') < total) {
    await sleep(50);
    if (plan.log && performance.now() - lastLog >= 10_000) {
      lastLog = performance.now();
      plan.log(
        `  ${sum('fired')}/${total} sent, ${sum('replies')} replies, ${sum('delivered')} delivered`,
      );
    }
    if (performance.now() > sendEndAt + 60_000) break; // a worker that cannot fire at all
  }
  const sendEnd = performance.now();
  let drained = false;
  while (performance.now() - sendEnd < plan.drainMs) {
    if (sum('replies') >= total && sum('delivered') >= sum('expected')) {
      drained = true;
      break;
    }
    await sleep(50);
  }
  const parts: LoadPart[] = (
    await Promise.all(pop.workers.map((worker) => worker.ask({ type: 'finish' }, 'part')))
  ).map((answer) => answer.part);
  for (const worker of pop.workers) worker.onProgress = undefined;
  const end = performance.now();
  const wall = (end - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const server1 = plan.serverCpu?.() ?? null;
  const machine1 = machineCpu();
  const stores1 = storesCpu();
  const storesSpent = storesCpuBetween(stores0, stores1);

  const merged = mergeParts(parts, total);
  const errors = { ...merged.errors };
  // A send still without a reply when the drain ends is as lost as one that timed out.
  const unreplied = total - merged.replies;
  if (unreplied > 0) errors.timeout = (errors.timeout ?? 0) + unreplied;
  let expected = 0;
  let delivered = 0;
  let ackedCount = 0;
  for (let k = 0; k < total; k++) {
    if (!merged.acked[k]) continue;
    ackedCount += 1;
    const room = pop.roomOf[sendersArray[k % sendersArray.length] ?? 0] ?? 0;
    const owed = (memberCount[room] ?? 1) - 1;
    expected += owed;
    delivered += Math.min(merged.got[k] ?? 0, owed);
  }
  const loopDelayP99Ms = generatorLoopDelayMs(merged.loopDelayP99sMs);
  generatorLoopDelays.push({ label: plan.tag, p99Ms: loopDelayP99Ms });
  plan.log?.(describeLoopDelay(merged.loopDelayP99sMs));
  const durationSeconds = plan.durationMs / 1000;
  const deliveryWindow = (merged.lastDeliveryMs || end - t0) / 1000;
  return {
    targetRate: plan.rate,
    durationSeconds,
    scheduled: total,
    acked: ackedCount,
    errors,
    ack: percentiles(merged.ackLatency),
    delivery: percentiles(merged.deliveryLatency, [0, 50, 95, 99, 100]),
    ackService: percentiles(merged.ackService),
    expected,
    delivered,
    lostDeliveries: expected - delivered,
    lostSends: merged.lostSends + Math.max(0, unreplied),
    duplicates: merged.duplicates,
    unexpected: merged.unexpected,
    ackedPerSecond: ackedCount / Math.max(durationSeconds, (sendEnd - t0) / 1000),
    deliveredPerSecond: merged.uniqueDelivered / Math.max(deliveryWindow, 1e-3),
    maxSendLagMs: merged.maxSendLagMs,
    lastDeliveryMs: merged.lastDeliveryMs || Number.NaN,
    generatorCpu: (cpu.user + cpu.system) / 1e6 / wall,
    serverCpu: server0 !== null && server1 !== null ? (server1 - server0) / wall : null,
    machineCpu: (machine1.busy - machine0.busy) / wall,
    postgresCpu: storesSpent.postgres / wall,
    redisCpu: storesSpent.redis / wall,
    loopDelayP99Ms,
    loopDelayP99sMs: merged.loopDelayP99sMs,
    drained,
  };
}

/** A one-line summary for the progress log. */
export function summarize(r: LoadResult): string {
  const ms = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(1));
  const errs = Object.entries(r.errors)
    .map(([code, n]) => `${code}=${n}`)
    .join(',');
  return (
    `${r.targetRate} msg/s: acked ${r.acked}/${r.scheduled}, delivery p50/p99/max ` +
    `${ms(r.delivery[50])}/${ms(r.delivery[99])}/${ms(r.delivery[100])} ms, ` +
    `lost ${r.lostDeliveries}+${r.lostSends} sends, dup ${r.duplicates}` +
    `${errs ? `, errors ${errs}` : ''}, cpu gen ${(r.generatorCpu * 100).toFixed(0)}% ` +
    `server ${r.serverCpu === null ? '-' : (r.serverCpu * 100).toFixed(0)}% ` +
    `postgres ${(r.postgresCpu * 100).toFixed(0)}% redis ${(r.redisCpu * 100).toFixed(0)}% ` +
    `machine ${(r.machineCpu * 100).toFixed(0)}%, generator loop delay p99 ${r.loopDelayP99Ms.toFixed(2)} ms`
  );
}
