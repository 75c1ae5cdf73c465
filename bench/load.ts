/**
 * The load generator. A population of clients joins its rooms; then messages go out on a
 * fixed schedule (message k at t0 + k / rate, senders in turn), whatever the replies are
 * doing: an open loop, and every latency is measured from the SCHEDULED send time, so a
 * server that stalls is charged for the messages that queued behind the stall (no
 * coordinated omission). Deliveries are checked per receiver: expected, received,
 * duplicates, strays.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ChatConnection, Delivery, Driver } from './drivers.js';
import { percentiles } from './scenario.js';
import { machineCpu, storesCpu } from './servers.js';

/** Runs `fn` over `items` with at most `limit` in flight, in order of start. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** A sleep that does not keep the process alive: for the losing side of a race. */
const deadline = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function countError(errors: Record<string, number>, error: unknown): void {
  const code =
    typeof error === 'object' && error !== null && 'code' in error
      ? String((error as { code: unknown }).code)
      : error instanceof Error
        ? error.message.slice(0, 60)
        : String(error);
  errors[code] = (errors[code] ?? 0) + 1;
}

export interface PopulationPlan {
  clients: number;
  rooms: number;
  /** Names this population's rooms and users; unique per scenario and system. */
  tag: string;
  /** Connections opening at once. Default 100. */
  concurrency?: number;
  /** The user id of client i. Default: one user per client. */
  userOf?: (i: number) => string;
  /** The room of client i. Default: i mod rooms (rooms of equal size). */
  roomOf?: (i: number) => number;
  /** Whether to join the rooms at all (idle connections do not). Default true. */
  join?: boolean;
  log?: (message: string) => void;
}

export interface Population {
  driver: Driver;
  /** By client index; undefined where the connect or the join failed. */
  conns: (ChatConnection | undefined)[];
  roomIds: string[];
  roomOf: Int32Array;
  /** Client indices that joined, per room. */
  members: number[][];
  connected: number;
  connectSeconds: number;
  /** Connections per second, handshake (and Parley's $connect) included. */
  connectRate: number;
  joinSeconds: number;
  connectErrors: Record<string, number>;
  joinErrors: Record<string, number>;
  log?: (message: string) => void;
  /** Where deliveries go; set by `runLoad` while it runs. */
  sink?: (receiver: number, delivery: Delivery, receivedAt: number) => void;
}

function progress(log: ((m: string) => void) | undefined, what: string, total: number) {
  let done = 0;
  let lastAt = performance.now();
  return () => {
    done += 1;
    const now = performance.now();
    if (log && (done === total || now - lastAt > 5_000)) {
      lastAt = now;
      log(`${what}: ${done}/${total}`);
    }
  };
}

export async function connectPopulation(driver: Driver, plan: PopulationPlan): Promise<Population> {
  const concurrency = plan.concurrency ?? 100;
  const roomIds = Array.from({ length: plan.rooms }, (_, r) => `${plan.tag}-r${r}`);
  const roomOf = new Int32Array(plan.clients);
  for (let i = 0; i < plan.clients; i++) roomOf[i] = plan.roomOf?.(i) ?? i % plan.rooms;
  const pop: Population = {
    driver,
    conns: new Array(plan.clients).fill(undefined),
    roomIds,
    roomOf,
    members: roomIds.map(() => []),
    connected: 0,
    connectSeconds: 0,
    connectRate: 0,
    joinSeconds: 0,
    connectErrors: {},
    joinErrors: {},
    ...(plan.log ? { log: plan.log } : {}),
  };
  const indices = Array.from({ length: plan.clients }, (_, i) => i);

  const connectStarted = performance.now();
  const connected = progress(plan.log, 'connected', plan.clients);
  await mapLimit(indices, concurrency, async (i) => {
    try {
      const conn = await driver.connect(plan.userOf?.(i) ?? `${plan.tag}-u${i}`);
      conn.onMessage((delivery, at) => pop.sink?.(i, delivery, at));
      pop.conns[i] = conn;
      pop.connected += 1;
    } catch (error) {
      countError(pop.connectErrors, error);
    }
    connected();
  });
  pop.connectSeconds = (performance.now() - connectStarted) / 1000;
  pop.connectRate = pop.connected / pop.connectSeconds;

  if (plan.join === false) return pop;
  const joinStarted = performance.now();
  const joined = progress(plan.log, 'joined', plan.clients);
  await mapLimit(indices, concurrency, async (i) => {
    const conn = pop.conns[i];
    if (!conn) return;
    const room = roomOf[i] ?? 0;
    try {
      await conn.join(roomIds[room] ?? '');
      pop.members[room]?.push(i);
    } catch (error) {
      countError(pop.joinErrors, error);
      pop.conns[i] = undefined;
      void conn.close();
    }
    joined();
  });
  pop.joinSeconds = (performance.now() - joinStarted) / 1000;
  return pop;
}

/** Closes every connection (bounded: a socket that does not close in time is abandoned). */
export async function closePopulation(pop: Population): Promise<void> {
  const t0 = performance.now();
  pop.sink = undefined;
  const conns = pop.conns.filter((c): c is ChatConnection => c !== undefined);
  pop.conns.fill(undefined);
  await Promise.race([
    mapLimit(conns, 500, (c) => c.close().catch(() => undefined)),
    deadline(30_000),
  ]);
  pop.log?.(
    `closed ${conns.length} connections (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

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
  /** CPU used over the run as a fraction of one core: this process, the server, the machine. */
  generatorCpu: number;
  serverCpu: number | null;
  machineCpu: number;
  /** All PostgreSQL processes, and Redis, as fractions of one core (see `storesCpu`). */
  postgresCpu: number;
  redisCpu: number;
  /** p99 of this process's event-loop delay over the run, ms. */
  loopDelayP99Ms: number;
  /** False when the drain timed out with acks or deliveries outstanding. */
  drained: boolean;
}

export async function runLoad(pop: Population, plan: LoadPlan): Promise<LoadResult> {
  const senders =
    plan.senders ??
    pop.conns
      .map((c, i) => (c && (pop.members[pop.roomOf[i] ?? 0]?.length ?? 0) > 1 ? i : -1))
      .filter((i) => i >= 0);
  if (senders.length === 0) throw new Error('no client can send: no room has two members');
  const total = Math.max(1, Math.round((plan.rate * plan.durationMs) / 1000));
  const interval = 1000 / plan.rate;
  const prefix = `${plan.tag}.`;
  const pad = 'x'.repeat(Math.max(0, (plan.contentChars ?? 100) - prefix.length - 8));

  const sched = new Float64Array(total);
  const sentAt = new Float64Array(total);
  const senderOf = new Int32Array(total).fill(-1);
  const roomOfMsg = new Int32Array(total);
  const got = new Int32Array(total);
  const acked = new Uint8Array(total);
  const seen: (Set<number> | undefined)[] = new Array(total);
  const ackLat: number[] = [];
  const ackService: number[] = [];
  const deliveryLat: number[] = [];
  const errors: Record<string, number> = {};
  let fired = 0;
  let replies = 0;
  let lostSends = 0;
  let duplicates = 0;
  let unexpected = 0;
  let uniqueDelivered = 0;
  let expectedSoFar = 0;
  let maxLag = 0;
  let lastDeliveryAt = 0;

  pop.sink = (receiver, delivery, at) => {
    const id = delivery.clientMsgId ?? delivery.content.slice(0, delivery.content.indexOf(' '));
    if (!id.startsWith(prefix)) {
      unexpected += 1;
      return;
    }
    const k = Number(id.slice(prefix.length));
    if (
      !(k >= 0 && k < fired) ||
      receiver === senderOf[k] ||
      pop.roomOf[receiver] !== roomOfMsg[k]
    ) {
      unexpected += 1;
      return;
    }
    let set = seen[k];
    if (!set) {
      set = new Set();
      seen[k] = set;
    }
    if (set.has(receiver)) {
      duplicates += 1;
      return;
    }
    set.add(receiver);
    got[k] = (got[k] ?? 0) + 1;
    uniqueDelivered += 1;
    deliveryLat.push(at - (sched[k] ?? at));
    if (at > lastDeliveryAt) lastDeliveryAt = at;
  };

  const fire = (k: number, now: number) => {
    const sender = senders[k % senders.length] ?? 0;
    const conn = pop.conns[sender];
    const room = pop.roomOf[sender] ?? 0;
    senderOf[k] = sender;
    roomOfMsg[k] = room;
    const lag = now - (sched[k] ?? now);
    if (lag > maxLag) maxLag = lag;
    const clientMsgId = `${prefix}${k}`;
    if (!conn) {
      replies += 1;
      lostSends += 1;
      errors.closed = (errors.closed ?? 0) + 1;
      return;
    }
    sentAt[k] = now;
    void conn.send(pop.roomIds[room] ?? '', `${clientMsgId} ${pad}`, clientMsgId).then((out) => {
      replies += 1;
      if (out.ok) {
        acked[k] = 1;
        expectedSoFar += (pop.members[room]?.length ?? 1) - 1;
        ackLat.push(out.repliedAt - (sched[k] ?? out.repliedAt));
        ackService.push(out.repliedAt - out.sentAt);
      } else {
        const code = out.code ?? 'unknown';
        errors[code] = (errors[code] ?? 0) + 1;
        if (code === 'timeout' || code === 'closed') lostSends += 1;
      }
    });
  };

  const loop = monitorEventLoopDelay({ resolution: 10 });
  const cpu0 = process.cpuUsage();
  const server0 = plan.serverCpu?.() ?? null;
  const machine0 = machineCpu();
  const stores0 = storesCpu();
  loop.enable();
  const t0 = performance.now() + 20;
  for (let k = 0; k < total; k++) sched[k] = t0 + k * interval;

  let lastLog = t0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (fired < total && (sched[fired] ?? 0) <= now) {
        fire(fired, performance.now());
        fired += 1;
      }
      if (plan.log && now - lastLog >= 10_000) {
        lastLog = now;
        plan.log(`  ${fired}/${total} sent, ${replies} replies, ${uniqueDelivered} delivered`);
      }
      if (fired >= total) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, (sched[fired] ?? now) - performance.now()));
    };
    setTimeout(tick, Math.max(0, t0 - performance.now()));
  });

  const sendEnd = performance.now();
  let drained = false;
  while (performance.now() - sendEnd < plan.drainMs) {
    if (replies >= total && uniqueDelivered >= expectedSoFar) {
      drained = true;
      break;
    }
    await sleep(10);
  }
  const end = performance.now();
  loop.disable();
  pop.sink = undefined;
  const wall = (end - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const server1 = plan.serverCpu?.() ?? null;
  const machine1 = machineCpu();
  const stores1 = storesCpu();

  // A send still without a reply when the drain ends is as lost as one that timed out.
  const unreplied = total - replies;
  if (unreplied > 0) errors.timeout = (errors.timeout ?? 0) + unreplied;
  let expected = 0;
  let delivered = 0;
  let ackedCount = 0;
  for (let k = 0; k < total; k++) {
    if (!acked[k]) continue;
    ackedCount += 1;
    expected += (pop.members[roomOfMsg[k] ?? 0]?.length ?? 1) - 1;
    delivered += Math.min(got[k] ?? 0, (pop.members[roomOfMsg[k] ?? 0]?.length ?? 1) - 1);
  }
  const durationSeconds = plan.durationMs / 1000;
  const deliveryWindow = ((lastDeliveryAt || end) - t0) / 1000;
  return {
    targetRate: plan.rate,
    durationSeconds,
    scheduled: total,
    acked: ackedCount,
    // A copy: replies that arrive after this point (or fail on close) must not change it.
    errors: { ...errors },
    ack: percentiles(ackLat),
    delivery: percentiles(deliveryLat, [0, 50, 95, 99, 100]),
    ackService: percentiles(ackService),
    expected,
    delivered,
    lostDeliveries: expected - delivered,
    lostSends: lostSends + Math.max(0, unreplied),
    duplicates,
    unexpected,
    ackedPerSecond: ackedCount / Math.max(durationSeconds, (sendEnd - t0) / 1000),
    deliveredPerSecond: uniqueDelivered / Math.max(deliveryWindow, 1e-3),
    maxSendLagMs: maxLag,
    lastDeliveryMs: lastDeliveryAt ? lastDeliveryAt - t0 : Number.NaN,
    generatorCpu: (cpu.user + cpu.system) / 1e6 / wall,
    serverCpu: server0 !== null && server1 !== null ? (server1 - server0) / wall : null,
    machineCpu: (machine1.busy - machine0.busy) / wall,
    postgresCpu: (stores1.postgres - stores0.postgres) / wall,
    redisCpu: (stores1.redis - stores0.redis) / wall,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
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
    `machine ${(r.machineCpu * 100).toFixed(0)}%`
  );
}
