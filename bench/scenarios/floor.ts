/**
 * The floor: in the same run, a bare PostgreSQL insert-and-commit and a bare Redis round
 * trip, against the send_message handler's own time (fan-out excluded). Target: the
 * handler within 1.5x of their sum.
 */
import { randomUUID } from 'node:crypto';
import { timeOrderedId } from '../../client/ids.js';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import { sendMessage } from '../../functions/core/actions/send-message.js';
import { percentiles, type Scenario } from '../scenario.js';
import { coreStack, round } from './stack.js';

/** What the bare insert stores: about a chat message's size. */
const BARE_BODY = 'x'.repeat(32);

export const floor: Scenario = async (ctx) => {
  const n = ctx.quick ? 200 : 2000;
  const stack = await coreStack(ctx);
  try {
    ctx.log(
      `floor: ${n} rounds of a bare PostgreSQL commit, a Redis round trip, the send statement and send_message`,
    );
    await stack.pool.query(
      'CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, body text NOT NULL)',
    );
    const roomId = `floor-${randomUUID().slice(0, 8)}`;
    const caller = { connectionId: 'floor-sender', userId: 'alice' };
    const noReply = async () => {};
    await joinRoom(stack.deps, caller, { roomId }, noReply);
    await joinRoom(stack.deps, { connectionId: 'floor-peer', userId: 'bob' }, { roomId }, noReply);
    const statementRoom = `${roomId}-statement`;
    await stack.deps.messages.joinRoom(statementRoom, 'alice');
    // The handler's part before fan-out ends at the ack; the window append it has issued by
    // then overlaps the fan-out. Both that and the whole call (no recipients) are reported.
    let ackedAt = 0;
    const recordAck = async () => {
      ackedAt = performance.now();
    };
    // Interleaved, one of each per round, so that drift in the machine's load (other
    // processes, checkpoints) falls on all four alike.
    const samples = { pg: [] as number[], redis: [] as number[], statement: [] as number[] };
    const handlerSamples: number[] = [];
    const ackSamples: number[] = [];
    const time = async (into: number[] | undefined, fn: () => Promise<unknown>) => {
      const start = performance.now();
      await fn();
      into?.push(performance.now() - start);
      return start;
    };
    for (let i = -20; i < n; i++) {
      const keep = i >= 0;
      await time(keep ? samples.pg : undefined, () =>
        stack.pool.query('INSERT INTO bench_floor (body) VALUES ($1)', [BARE_BODY]),
      );
      await time(keep ? samples.redis : undefined, () => stack.redis.ping());
      // The requests, with the ids a client makes, are built before the clock starts.
      const stored = {
        roomId: statementRoom,
        userId: 'alice',
        content: `s${i}`,
        clientMsgId: timeOrderedId(),
      };
      await time(keep ? samples.statement : undefined, () =>
        stack.deps.messages.appendMessage(stored),
      );
      const request = { roomId, content: `m${i}`, clientMsgId: timeOrderedId() };
      const start = await time(keep ? handlerSamples : undefined, () =>
        sendMessage(stack.deps, caller, request, recordAck),
      );
      if (keep) ackSamples.push(ackedAt - start);
    }

    const pgP = percentiles(samples.pg);
    const redisP = percentiles(samples.redis);
    const handlerP = percentiles(handlerSamples);
    const ackP = percentiles(ackSamples);
    const statementP = percentiles(samples.statement);
    const ownFloorMs = statementP[50]! + redisP[50]!;
    const floorMs = pgP[50]! + redisP[50]!;
    const ratio = ackP[50]! / floorMs;
    return {
      name: 'floor',
      title: 'The floor: send_message handler time (no fan-out) vs bare store round trips',
      rows: [
        { metric: 'PostgreSQL insert+commit p50', unit: 'ms', parley: round(pgP[50]!, 3) },
        { metric: 'Redis round trip p50', unit: 'ms', parley: round(redisP[50]!, 3) },
        { metric: 'floor (sum) p50', unit: 'ms', parley: round(floorMs, 3) },
        { metric: 'send_message to its ack p50', unit: 'ms', parley: round(ackP[50]!, 3) },
        { metric: 'send_message to its ack p99', unit: 'ms', parley: round(ackP[99]!, 3) },
        {
          metric: 'send_message whole call, no recipients p50',
          unit: 'ms',
          parley: round(handlerP[50]!, 3),
        },
        {
          metric: 'send_message whole call, no recipients p99',
          unit: 'ms',
          parley: round(handlerP[99]!, 3),
        },
        {
          metric: 'handler to its ack / floor (p50)',
          unit: 'x',
          parley: round(ratio),
          ratio: round(ratio),
          target: '<= 1.5x',
          pass: ratio <= 1.5,
        },
        {
          metric: 'send statement alone (seq bump + insert + idempotency key) p50',
          unit: 'ms',
          parley: round(statementP[50]!, 3),
        },
        {
          metric: 'handler to its ack / (send statement + Redis round trip) (p50)',
          unit: 'x',
          parley: round(ackP[50]! / ownFloorMs),
        },
        {
          metric: 'whole call / (commit + 2 Redis trips, the work store-work allows) (p50)',
          unit: 'x',
          parley: round(handlerP[50]! / (pgP[50]! + 2 * redisP[50]!)),
        },
      ],
      notes: [
        "Up to its ack the handler does one Redis round trip (room connections) and one PostgreSQL statement, which also bumps the room's seq row in the same commit (gap-free seqs), as a bare insert does not, and keeps three unique keys (room+seq, id, room+user+clientMsgId) against the bare table's one: the 'send statement alone' row is that statement timed by itself. The recent-window append (the second Redis trip) is issued just after the ack and overlaps the fan-out; the whole call waits for it.",
        "The handler's Redis client has the handlers' own settings (functions/stores/redis/client-options.ts: autopipelining, so a command leaves in the next tick); the bare round trip is a PING on a client with ioredis' defaults. Request ids are made before the clock starts, as a client makes them.",
      ],
    };
  } finally {
    await stack.close();
  }
};
