/**
 * One fault under load: clients send to their rooms; after a warm-up the fault runs and
 * heals; the load goes on a while, stops (each send in flight still retried), deliveries
 * get time to arrive, and a new member reads every room's history. The figures come from
 * what the clients saw against that history.
 */
import { randomUUID } from 'node:crypto';
import { LoadClient } from './load-client.js';
import {
  type FaultFigures,
  measure,
  recoverMs as measureRecovery,
  type StoredMessage,
  undelivered,
} from './measure.js';
import { readRoomHistory } from './room-history.js';

export interface LoadShape {
  rooms: number;
  clientsPerRoom: number;
  /** Each client's pause between the answer to one send and the next send. */
  sendIntervalMs: number;
  /** A send unanswered this long is sent again (same clientMsgId). */
  replyTimeoutMs: number;
  contentBytes?: number;
}

export interface Phases {
  warmupMs: number;
  /** How long the load runs on after the fault has healed. */
  afterMs: number;
  /** How long sends still in flight at the stop may be retried. */
  drainMs: number;
  /** How long deliveries may take to arrive once the load has stopped. */
  settleMs: number;
}

export interface Target {
  url: string;
  token(userId: string): Promise<string>;
}

export interface FaultEnd {
  /** When the fault ended (for an instant one, when it hit): recovery counts from here. */
  healedAt: number;
  /** What the fault saw that the figures do not hold (a slow consumer's fate). */
  note?: string;
}

/** Runs the fault against the load's rooms and heals it. */
export type Fault = (rooms: readonly string[]) => Promise<FaultEnd>;

export interface FaultResult extends FaultFigures {
  note?: string;
}

export async function runFault(
  target: Target,
  shape: LoadShape,
  phases: Phases,
  fault: Fault,
): Promise<FaultResult> {
  const run = randomUUID().slice(0, 8);
  const rooms = new Map<LoadClient, string>();
  const clients: LoadClient[] = [];
  for (let r = 0; r < shape.rooms; r++) {
    const roomId = `faults-${run}-${r}`;
    for (let c = 0; c < shape.clientsPerRoom; c++) {
      const userId = `u-${run}-${r}-${c}`;
      const client = new LoadClient({
        url: target.url,
        token: await target.token(userId),
        roomId,
        userId,
        sendIntervalMs: shape.sendIntervalMs,
        replyTimeoutMs: shape.replyTimeoutMs,
        ...(shape.contentBytes === undefined ? {} : { contentBytes: shape.contentBytes }),
      });
      rooms.set(client, roomId);
      clients.push(client);
    }
  }
  try {
    for (const client of clients) client.start();
    await allJoined(clients, Date.now() + JOIN_TIMEOUT_MS, true);
    await sleep(phases.warmupMs);
    const end = await fault([...new Set(rooms.values())]);
    // The load goes on from when every client is back in its room (after a crash, or a
    // fault that dropped connections), for as long after the fault as before it.
    const back = Date.now() + phases.drainMs;
    await allJoined(clients, back, false);
    // Then until a send made after the fault is acked: the recovery the figures time.
    while (Date.now() < back && measureRecovery(clients, end.healedAt) === null) await sleep(50);
    await sleep(phases.afterMs);
    const deadline = Date.now() + phases.drainMs;
    await Promise.all(clients.map((c) => c.stop(deadline)));
    const settled = Date.now() + phases.settleMs;
    while (undelivered(clients, rooms) > 0 && Date.now() < settled) await sleep(100);

    const history = new Map<string, StoredMessage[]>();
    const reader = await target.token(`reader-${run}`);
    const readDeadline = Date.now() + phases.drainMs;
    for (const roomId of new Set(rooms.values())) {
      history.set(roomId, await readRoomHistory(target.url, reader, roomId, readDeadline));
    }
    const figures = measure(clients, history, rooms, end.healedAt);
    return end.note === undefined ? figures : { ...figures, note: end.note };
  } finally {
    for (const client of clients) client.close();
  }
}

/** How long the clients may take to connect and join at the start. */
const JOIN_TIMEOUT_MS = 60_000;

async function allJoined(clients: readonly LoadClient[], deadline: number, required: boolean) {
  while (clients.some((c) => !c.inRoom)) {
    if (Date.now() > deadline) {
      if (required) throw new Error('the load clients could not join their rooms');
      return;
    }
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
