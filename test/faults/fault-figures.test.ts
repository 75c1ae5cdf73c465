/**
 * The fault suite's checks can fail: a lost ack, a seq gap, a message stored twice and a
 * duplicate delivery are each counted, from what clients saw against the final history.
 */
import { expect, it } from 'vitest';
import { LoadClient } from '../../faults/load-client.js';
import { measure, type StoredMessage } from '../../faults/measure.js';

const ROOM = 'r';

function client(userId: string): LoadClient {
  return new LoadClient({
    url: 'ws://127.0.0.1:1',
    token: 't',
    roomId: ROOM,
    userId,
    sendIntervalMs: 1,
    replyTimeoutMs: 1,
  });
}

function acked(c: LoadClient, seq: number, id: string, at = 100): void {
  c.sends.push({
    clientMsgId: id,
    firstSentAt: at - 10,
    lastSentAt: at - 10,
    attempts: 1,
    outcome: { kind: 'acked', seq, id, at },
  });
}

const stored = (seq: number, id: string, userId = 'a'): StoredMessage => ({
  seq,
  id,
  userId,
  clientMsgId: id,
});

function figures(clients: LoadClient[], history: StoredMessage[], healedAt = 0) {
  return measure(
    clients,
    new Map([[ROOM, history]]),
    new Map(clients.map((c) => [c, ROOM])),
    healedAt,
  );
}

it('counts nothing when every ack is in the history, in order, once', () => {
  const a = client('a');
  acked(a, 1, 'm1');
  acked(a, 2, 'm2', 200);
  const result = figures([a], [stored(1, 'm1'), stored(2, 'm2')], 150);
  expect(result).toMatchObject({ acked: 2, lost: 0, gaps: 0, storedTwice: 0 });
  expect(result.recoverMs).toBe(50);
});

it('counts an acked message missing from the history as lost, and the hole as a gap', () => {
  const a = client('a');
  acked(a, 1, 'm1');
  acked(a, 2, 'm2');
  acked(a, 3, 'm3');
  const result = figures([a], [stored(1, 'm1'), stored(3, 'm3')]);
  expect(result.lost).toBe(1);
  expect(result.gaps).toBe(1);
});

it('counts a retried send stored twice', () => {
  const a = client('a');
  acked(a, 1, 'm1');
  const twice = { ...stored(2, 'm1'), id: 'other' };
  expect(figures([a], [stored(1, 'm1'), twice]).storedTwice).toBe(1);
});

it('counts a message delivered twice, and one a joined member never got', () => {
  const a = client('a');
  const b = client('b');
  acked(a, 1, 'm1');
  acked(a, 2, 'm2');
  b.spans.push({ from: 0, to: Number.POSITIVE_INFINITY });
  b.received.set(1, 2);
  const result = figures([a, b], [stored(1, 'm1'), stored(2, 'm2')]);
  expect(result.duplicateDeliveries).toBe(1);
  expect(result.undelivered).toBe(1);
});
