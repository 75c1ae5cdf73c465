/**
 * History: get_history for the newest page (served by the cached window) and for a page
 * 10,000 messages back (PostgreSQL's (room_id, seq) index), each p50/p99. Both should be
 * O(limit): a page 10,000 back costs about what a page 200 back costs.
 */
import { randomUUID } from 'node:crypto';
import { getHistory } from '../../functions/core/actions/get-history.js';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import { percentiles, type Scenario } from '../scenario.js';
import { coreStack, round, timeEach } from './stack.js';

const MESSAGES = 10_100;

export const history: Scenario = async (ctx) => {
  const n = ctx.quick ? 100 : 1000;
  const stack = await coreStack(ctx);
  try {
    const roomId = `history-${randomUUID().slice(0, 8)}`;
    ctx.log(`history: seeding a room with ${MESSAGES} messages`);
    await stack.pool.query('INSERT INTO rooms (id, last_seq) VALUES ($1, $2)', [roomId, MESSAGES]);
    await stack.pool.query(
      `INSERT INTO messages (room_id, seq, user_id, content)
       SELECT $1, g, 'seed', 'message ' || g FROM generate_series(1, $2) AS g`,
      [roomId, MESSAGES],
    );
    await stack.pool.query('ANALYZE messages');
    const caller = { connectionId: 'reader', userId: 'reader' };
    await joinRoom(stack.deps, caller, { roomId, limit: 1 }, async () => {});
    const noReply = async () => {};

    ctx.log(`history: ${n} reads of each page`);
    const newest = await timeEach(n, () =>
      getHistory(stack.deps, caller, { roomId, limit: 50 }, noReply),
    );
    const near = await timeEach(n, () =>
      getHistory(stack.deps, caller, { roomId, before: MESSAGES - 200, limit: 50 }, noReply),
    );
    const deep = await timeEach(n, () =>
      getHistory(stack.deps, caller, { roomId, before: MESSAGES - 10_000, limit: 50 }, noReply),
    );
    const [pNewest, pNear, pDeep] = [newest, near, deep].map((s) => percentiles(s));
    const ratio = pDeep![50]! / pNear![50]!;
    return {
      name: 'history',
      title: 'get_history: newest page (cache) and a page 10,000 back (index), limit 50',
      rows: [
        { metric: 'newest page p50', unit: 'ms', parley: round(pNewest![50]!, 3) },
        { metric: 'newest page p99', unit: 'ms', parley: round(pNewest![99]!, 3) },
        { metric: '200 back p50', unit: 'ms', parley: round(pNear![50]!, 3) },
        { metric: '10,000 back p50', unit: 'ms', parley: round(pDeep![50]!, 3) },
        { metric: '10,000 back p99', unit: 'ms', parley: round(pDeep![99]!, 3) },
        {
          metric: '10,000 back / 200 back (p50)',
          unit: 'x',
          parley: round(ratio),
          ratio: round(ratio),
          target: '~1 (O(limit), not O(offset))',
          pass: ratio < 2,
        },
      ],
    };
  } finally {
    await stack.close();
  }
};
