/**
 * The floor: in the same run, a bare PostgreSQL insert-and-commit and a bare Redis round
 * trip, against the send_message handler's own time (fan-out excluded). Target: the
 * handler within 1.5x of their sum.
 */
import { randomUUID } from 'node:crypto';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import { sendMessage } from '../../functions/core/actions/send-message.js';
import { percentiles, type Scenario } from '../scenario.js';
import { coreStack, round, timeEach } from './stack.js';

export const floor: Scenario = async (ctx) => {
  const n = ctx.quick ? 200 : 2000;
  const stack = await coreStack(ctx);
  try {
    ctx.log(`floor: ${n} bare PostgreSQL commits, Redis round trips and send_message calls`);
    await stack.pool.query(
      'CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, body text NOT NULL)',
    );
    const pgSamples = await timeEach(n, () =>
      stack.pool.query('INSERT INTO bench_floor (body) VALUES ($1)', ['x'.repeat(32)]),
    );
    const redisSamples = await timeEach(n, () => stack.redis.ping());

    const roomId = `floor-${randomUUID().slice(0, 8)}`;
    const caller = { connectionId: 'floor-sender', userId: 'alice' };
    const noReply = async () => {};
    await joinRoom(stack.deps, caller, { roomId }, noReply);
    await joinRoom(stack.deps, { connectionId: 'floor-peer', userId: 'bob' }, { roomId }, noReply);
    const handlerSamples = await timeEach(n, (i) =>
      sendMessage(
        stack.deps,
        caller,
        { roomId, content: `m${i}`, clientMsgId: randomUUID() },
        noReply,
      ),
    );

    const pgP = percentiles(pgSamples);
    const redisP = percentiles(redisSamples);
    const handlerP = percentiles(handlerSamples);
    const floorMs = pgP[50]! + redisP[50]!;
    const ratio = handlerP[50]! / floorMs;
    return {
      name: 'floor',
      title: 'The floor: send_message handler time (no fan-out) vs bare store round trips',
      rows: [
        { metric: 'PostgreSQL insert+commit p50', unit: 'ms', parley: round(pgP[50]!, 3) },
        { metric: 'Redis round trip p50', unit: 'ms', parley: round(redisP[50]!, 3) },
        { metric: 'floor (sum) p50', unit: 'ms', parley: round(floorMs, 3) },
        { metric: 'send_message handler p50', unit: 'ms', parley: round(handlerP[50]!, 3) },
        { metric: 'send_message handler p99', unit: 'ms', parley: round(handlerP[99]!, 3) },
        {
          metric: 'handler / floor (p50)',
          unit: 'x',
          parley: round(ratio),
          ratio: round(ratio),
          target: '<= 1.5x',
          pass: ratio <= 1.5,
        },
        {
          metric: 'handler / (commit + 2 Redis trips, the work store-work allows) (p50)',
          unit: 'x',
          parley: round(handlerP[50]! / (pgP[50]! + 2 * redisP[50]!)),
        },
      ],
      notes: [
        "The handler does one Redis round trip (room connections), one PostgreSQL statement and one Redis round trip (recent window): its floor is one commit plus two Redis trips. Its statement also bumps the room's seq row in the same commit (gap-free seqs), which a bare insert does not.",
      ],
    };
  } finally {
    await stack.close();
  }
};
