/**
 * Typing and presence: (a) the store work of one `typing` frame, counted as the shell
 * runs it (rate limit, heartbeat, the room's connections and the throttle), in rooms of
 * 2, 10 and 100; (b) what presence churn costs in posts a second, in rooms of 100 and
 * 5,000 (quick: 1,000) connections, each of which API Gateway closes at 2 hours, so each
 * connection leaves and comes back every 2 hours: N / 7,200 leaves and as many joins a
 * second. Core actions on real PostgreSQL and Redis; posts and queued counts are counted,
 * not sent. Figures: docs/decisions/2026-12-06-typing-presence.md.
 */
import { randomUUID } from 'node:crypto';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import { leaveRoom } from '../../functions/core/actions/leave-room.js';
import { typing } from '../../functions/core/actions/typing.js';
import { noteActivity } from '../../functions/core/liveness.js';
import type { Caller } from '../../functions/core/message.js';
import type {
  BroadcastResult,
  ChatDeps,
  ConnectionSender,
  FanoutQueue,
} from '../../functions/core/ports.js';
import { presenceCountPeriod } from '../../functions/core/presence.js';
import { startAdmission } from '../../functions/core/rate-limits.js';
import { ROOMY_LIMITS } from '../../local/roomy-rate-limits.js';
import { countingPool } from '../counting-pool.js';
import { mapLimit } from '../map-limit.js';
import type { ResultRow, Scenario } from '../scenario.js';
import { coreStack } from './stack.js';
import { type Counter, countWrites } from './store-work.js';

/** API Gateway's connection lifetime: every connection leaves and rejoins this often. */
const LIFETIME_SECONDS = 2 * 3600;

/** Counts the posts it is asked for and the presence counts queued; sends nothing. */
function counting(): {
  sender: ConnectionSender;
  queue: FanoutQueue;
  posts: Counter;
  counts: Counter;
} {
  const posts = { count: 0 };
  const counts = { count: 0 };
  const sender: ConnectionSender = {
    async send() {
      posts.count++;
      return true;
    },
    async broadcast(ids): Promise<BroadcastResult> {
      posts.count += ids.length;
      return { gone: [], retry: [], failed: 0 };
    },
  };
  const queue: FanoutQueue = {
    async enqueue(jobs) {
      for (const job of jobs) {
        if (job.kind === 'presence_count') counts.count++;
        else posts.count += job.to.length;
      }
    },
    async deadLetter() {},
  };
  return { sender, queue, posts, counts };
}

const noReply = async () => {};

async function fillRoom(deps: ChatDeps, roomId: string, size: number): Promise<Caller[]> {
  const members = Array.from({ length: size }, (_, i) => ({
    connectionId: `${roomId}-c${i}`,
    userId: `${roomId}-u${i}`,
  }));
  await mapLimit(members, 20, (caller) => joinRoom(deps, caller, { roomId }, noReply));
  return members;
}

export const presence: Scenario = async (ctx) => {
  const stack = await coreStack(ctx);
  const counted = countingPool(stack.pool);
  const { sender, queue, posts, counts } = counting();
  const deps: ChatDeps = {
    ...stack.deps,
    sender,
    queue,
    messages: stack.deps.messages,
    limits: { ...stack.deps.limits, ...ROOMY_LIMITS },
  };
  const rows: ResultRow[] = [];
  try {
    // (a) One typing frame's store work.
    const calls = ctx.quick ? 10 : 50;
    for (const size of [2, 10, 100]) {
      const roomId = `typing-${size}-${randomUUID().slice(0, 8)}`;
      const members = await fillRoom(deps, roomId, size);
      const typer = members[0] as Caller;
      const once = (state: 'start' | 'stop') => {
        // As the shell runs it: the take and the heartbeat in the action's first turn.
        const admitted = startAdmission(deps, typer, 'typing');
        const beat = noteActivity(deps, typer);
        return Promise.all([typing(deps, typer, { roomId, state }, noReply, admitted), beat]);
      };
      await once('start'); // warm: scripts loaded, the room cached
      const trips: Counter = { count: 0 };
      counted.reset();
      posts.count = 0;
      const stop = countWrites(stack.cacheRedis, trips);
      try {
        for (let i = 0; i < calls; i++) await once(i % 2 === 0 ? 'stop' : 'start');
      } finally {
        stop();
      }
      rows.push(
        {
          metric: `Redis round trips per typing frame (room of ${size})`,
          unit: 'count',
          parley: trips.count / calls,
          target: '<= 1',
          pass: trips.count / calls <= 1,
        },
        {
          metric: `PostgreSQL statements per typing frame (room of ${size})`,
          unit: 'count',
          parley: counted.count() / calls,
          target: '0',
          pass: counted.count() === 0,
        },
        {
          metric: `posts per relayed typing frame (room of ${size})`,
          unit: 'count',
          parley: posts.count / calls,
        },
      );
    }

    // (b) Presence churn: a connection leaves (as `$disconnect` does, through leave_room here) and a new one joins, by users
    // who have no other connection in the room.
    const cycles = ctx.quick ? 10 : 40;
    for (const size of [100, ctx.quick ? 1_000 : 5_000]) {
      ctx.log(`presence: churn in a room of ${size}`);
      const roomId = `churn-${size}-${randomUUID().slice(0, 8)}`;
      const members = await fillRoom(deps, roomId, size);
      posts.count = 0;
      counts.count = 0;
      for (let i = 0; i < cycles; i++) {
        const gone = members[i] as Caller;
        await leaveRoom(deps, gone, { roomId }, noReply);
        await joinRoom(
          deps,
          { ...gone, connectionId: `${gone.connectionId}-again` },
          { roomId },
          noReply,
        );
      }
      const churnPerSecond = (2 * size) / LIFETIME_SECONDS; // leaves and joins
      const postsPerEvent = posts.count / (2 * cycles);
      // A big room's changes are told as one count a period, to every connection: with a
      // change in every period (the first claims it; the run's joins may hold the claim),
      // one count of `size` posts per period.
      const big = size > deps.limits.presenceFullMax;
      const period = presenceCountPeriod(deps, size);
      const countPostsPerSecond = big ? size * Math.min(1 / period, churnPerSecond) : 0;
      const perSecond = postsPerEvent * churnPerSecond + countPostsPerSecond;
      rows.push(
        {
          metric: `presence posts per join or leave (room of ${size})`,
          unit: 'count',
          parley: postsPerEvent,
        },
        {
          metric: `presence posts/s from 2-hour churn (room of ${size}, ${churnPerSecond.toFixed(2)} changes/s)`,
          unit: 'posts/s',
          parley: Math.round(perSecond * 10) / 10,
          target:
            size > deps.limits.presenceFullMax
              ? `<= ${deps.limits.presenceCountPostsPerSecond}`
              : undefined,
          pass:
            size > deps.limits.presenceFullMax
              ? perSecond <= deps.limits.presenceCountPostsPerSecond
              : null,
        },
      );
    }
    return {
      name: 'presence',
      title: 'Typing and presence: store work per typing frame, posts from presence churn',
      rows,
      notes: [
        'Churn: API Gateway closes every connection at 2 h, so a room of N sees N/7,200 leaves and as many joins a second.',
      ],
    };
  } finally {
    await stack.close();
  }
};
