/**
 * What a fault cost, from what the load's clients saw and the rooms' final history: the
 * figures of the fault table. Lost and gaps must be 0; the rest are measured, not judged.
 */
import type { LoadClient } from './load-client.js';

export interface StoredMessage {
  seq: number;
  id: string;
  userId: string;
  clientMsgId?: string;
}

export interface FaultFigures {
  sends: number;
  acked: number;
  unavailable: number;
  /** Replies that were neither an ack nor `unavailable`, by code. */
  otherErrors: Record<string, number>;
  /** Joins refused, by code (each tried again until it succeeded). */
  joinRefusals: Record<string, number>;
  /** Sends never answered, after every retry. */
  unanswered: number;
  /** Acked messages missing from the room's history afterwards. */
  lost: number;
  /** Seqs missing between 1 and the room's last seq. */
  gaps: number;
  /** The same (user, clientMsgId) stored twice. */
  storedTwice: number;
  /** `new_message` frames a client received for a seq it had already received. */
  duplicateDeliveries: number;
  /** Messages a client that stayed joined throughout never received (informative). */
  undelivered: number;
  /** Sends answered `unavailable` whose message is in the history all the same. */
  storedThoughUnavailable: number;
  /** Sends that needed more than one attempt. */
  retried: number;
  reconnects: number;
  /** From the fault's end to the ack of the first send made after it; null if none. */
  recoverMs: number | null;
}

export function measure(
  clients: readonly LoadClient[],
  history: ReadonlyMap<string, readonly StoredMessage[]>,
  rooms: ReadonlyMap<LoadClient, string>,
  healedAt: number,
): FaultFigures {
  const sends = clients.flatMap((c) => c.sends);
  const otherErrors: Record<string, number> = {};
  let acked = 0;
  let unavailable = 0;
  let unanswered = 0;
  for (const send of sends) {
    const o = send.outcome;
    if (o.kind === 'acked') acked++;
    else if (o.kind === 'unavailable') unavailable++;
    else if (o.kind === 'unanswered') unanswered++;
    else otherErrors[o.code] = (otherErrors[o.code] ?? 0) + 1;
  }

  let lost = 0;
  let storedThoughUnavailable = 0;
  let gaps = 0;
  let storedTwice = 0;
  for (const client of clients) {
    const stored = history.get(rooms.get(client) ?? '') ?? [];
    const byId = new Map(stored.map((m) => [m.id, m]));
    const byClientMsgId = new Set(stored.map((m) => m.clientMsgId));
    for (const send of client.sends) {
      const o = send.outcome;
      if (o.kind === 'acked' && byId.get(o.id)?.seq !== o.seq) lost++;
      if (o.kind === 'unavailable' && byClientMsgId.has(send.clientMsgId)) {
        storedThoughUnavailable++;
      }
    }
  }
  for (const stored of history.values()) {
    const seqs = new Set(stored.map((m) => m.seq));
    const last = Math.max(0, ...seqs);
    gaps += last - seqs.size;
    const keys = stored
      .filter((m) => m.clientMsgId !== undefined)
      .map((m) => `${m.userId}\u0000${m.clientMsgId}`);
    storedTwice += keys.length - new Set(keys).size;
  }

  let duplicateDeliveries = 0;
  for (const client of clients) {
    for (const count of client.received.values()) duplicateDeliveries += count - 1;
  }

  const joinRefusals: Record<string, number> = {};
  for (const client of clients) {
    for (const [code, n] of Object.entries(client.joinRefusals)) {
      joinRefusals[code] = (joinRefusals[code] ?? 0) + n;
    }
  }

  return {
    joinRefusals,
    sends: sends.length,
    acked,
    unavailable,
    otherErrors,
    unanswered,
    lost,
    gaps,
    storedTwice,
    duplicateDeliveries,
    undelivered: undelivered(clients, rooms),
    storedThoughUnavailable,
    retried: sends.filter((s) => s.attempts > 1).length,
    reconnects: clients.reduce((n, c) => n + c.reconnects, 0),
    recoverMs: recoverMs(clients, healedAt),
  };
}

/**
 * Acked messages of other users that a client joined for the whole of their send (one
 * unbroken span, from before the first attempt to after the ack) did not receive. A client
 * that reconnected in between is told to fetch gaps with `get_history`, so it is not counted.
 */
export function undelivered(
  clients: readonly LoadClient[],
  rooms: ReadonlyMap<LoadClient, string>,
) {
  let missing = 0;
  for (const receiver of clients) {
    const room = rooms.get(receiver);
    for (const sender of clients) {
      if (sender === receiver || rooms.get(sender) !== room) continue;
      for (const send of sender.sends) {
        const o = send.outcome;
        if (o.kind !== 'acked') continue;
        const covered = receiver.spans.some((s) => s.from <= send.firstSentAt && s.to >= o.at);
        if (covered && !receiver.received.has(o.seq)) missing++;
      }
    }
  }
  return missing;
}

/** From `healedAt` to the ack of the first send (or retry) made after it; null if none yet. */
export function recoverMs(clients: readonly LoadClient[], healedAt: number): number | null {
  let first: number | null = null;
  for (const send of clients.flatMap((c) => c.sends)) {
    const o = send.outcome;
    if (o.kind !== 'acked' || send.lastSentAt < healedAt) continue;
    if (first === null || o.at < first) first = o.at;
  }
  return first === null ? null : first - healedAt;
}
