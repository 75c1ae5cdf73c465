/**
 * Presence at scale: small rooms hear who comes and goes; rooms above `presenceFullMax`
 * hear `presence_count` at most once per period instead, so churn stops costing a post to
 * every member on every join and leave.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { joinRoom } from '../../../functions/core/actions/join-room.js';
import { leaveRoom } from '../../../functions/core/actions/leave-room.js';
import type { ActionHandler } from '../../../functions/core/actions/types.js';
import { dropConnection } from '../../../functions/core/membership.js';
import type { Caller } from '../../../functions/core/message.js';
import { presenceAfter, presenceCountPeriod } from '../../../functions/core/presence.js';
import type { ReplyFrame, RoomHistoryFrame } from '../../../functions/core/server-frames.js';
import { type FakeWorld, fakeWorld } from '../../support/fakes.js';

let world: FakeWorld;

afterEach(() => {
  vi.useRealTimers();
});

/** Moves the clock past the current presence-count period. */
function endPeriod(): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + 3_600_000);
}

beforeEach(() => {
  world = fakeWorld({
    presenceFullMax: 5,
    onlineListMax: 4,
    inlineFanoutMax: 100,
    presenceCountMinSeconds: 5,
    presenceCountPostsPerSecond: 2,
  });
});

async function run<R>(action: ActionHandler<R>, caller: Caller, request: R): Promise<void> {
  const reply = async (frame: ReplyFrame) => {
    await world.deps.sender.send(caller.connectionId, JSON.stringify(frame));
  };
  await action(world.deps, caller, request, reply);
}

async function joinAs(roomId: string, connectionId: string, userId: string): Promise<Caller> {
  const caller = { connectionId, userId };
  await world.connections.putConnection({ ...caller, connectionId, connectedAt: 1 });
  await run(joinRoom, caller, { roomId });
  return caller;
}

async function room(roomId: string, count: number): Promise<Caller[]> {
  const callers: Caller[] = [];
  for (let i = 0; i < count; i++) callers.push(await joinAs(roomId, `c${i}`, `user${i}`));
  return callers;
}

/** A tenth user joins a room of nine: the reply lists four users, the joiner among them. */
async function expectLatecomerReply(roomId: string): Promise<void> {
  world.sender.clear();
  const late = await joinAs(roomId, 'late', 'zz-late');
  const replies = world.sender.framesOfType(late.connectionId, 'room_history');
  const reply = replies[0] as RoomHistoryFrame | undefined;
  expect(reply?.online).toHaveLength(4);
  expect(reply?.online).toContain('zz-late');
  expect(reply?.onlineCount).toBe(10);
}

const presenceFrames = () =>
  [...world.sender.sent.keys()].flatMap((id) => world.sender.framesOfType(id, 'presence'));

describe('a small room', () => {
  it('hears a presence frame for each user who comes and goes', async () => {
    const [first] = await room('small', 3);
    world.sender.clear();
    await joinAs('small', 'late', 'latecomer');
    expect(world.sender.framesOfType(first!.connectionId, 'presence')).toEqual([
      { type: 'presence', roomId: 'small', userId: 'latecomer', status: 'online' },
    ]);
    expect(world.queue.enqueued).toEqual([]);
  });
});

describe('a room above presenceFullMax', () => {
  it('gets no per-user presence, but one presence_count per period with the count', async () => {
    const members = await room('big', 5); // 5 connections: not more than 5 yet
    await world.queue.drain(world.deps);
    world.sender.clear();
    world.queue.enqueued.length = 0;

    await joinAs('big', 'x1', 'newcomer-1');
    await joinAs('big', 'x2', 'newcomer-2');
    await run(leaveRoom, members[0]!, { roomId: 'big' });
    expect(presenceFrames()).toEqual([]);
    // One count for the three changes, due at the end of the period.
    expect(world.queue.enqueued).toEqual([
      { job: { kind: 'presence_count', roomId: 'big' }, delaySeconds: 5 },
    ]);

    await world.queue.drain(world.deps);
    const counts = [...world.sender.sent.keys()].flatMap((id) =>
      world.sender.framesOfType(id, 'presence_count'),
    );
    // Every connection still in the room: c1..c4, x1, x2; 6 users online.
    expect(counts).toHaveLength(6);
    for (const frame of counts) {
      expect(frame).toEqual({ type: 'presence_count', roomId: 'big', online: 6 });
    }
  });

  it('schedules the next count once the period has passed', async () => {
    await room('big2', 7);
    await joinAs('big2', 'y1', 'another');
    expect(world.queue.jobsOf('presence_count')).toHaveLength(1);
    endPeriod();
    await joinAs('big2', 'y2', 'yet-another');
    expect(world.queue.jobsOf('presence_count')).toHaveLength(2);
  });

  it('counts a disconnect in a big room too, without telling each member', async () => {
    const members = await room('big3', 8);
    await world.queue.drain(world.deps);
    world.sender.clear();
    endPeriod();
    world.queue.enqueued.length = 0;
    await dropConnection(world.deps, members[3]!.connectionId);
    expect(presenceFrames()).toEqual([]);
    expect(world.queue.enqueued.map((e) => e.job)).toEqual([
      { kind: 'presence_count', roomId: 'big3' },
    ]);
  });

  it('answers a join with at most onlineListMax users, the joiner first among them, and the count', async () => {
    await room('busy', 9);
    await expectLatecomerReply('busy');
  });

  it('answers the same from the durable store when the cache has lost the room', async () => {
    await room('cold', 9);
    world.cache.flush();
    world.queue.enqueued.length = 0;
    await expectLatecomerReply('cold');
    expect(presenceFrames()).toEqual([]);
    expect(world.queue.enqueued.map((e) => e.job)).toEqual([
      { kind: 'presence_count', roomId: 'cold' },
    ]);
  });

  it('skips the count, and says so, when the cache cannot claim the period', async () => {
    await room('flaky', 7);
    world.queue.enqueued.length = 0;
    world.cache.claimPresenceCount = () => Promise.reject(new Error('redis down'));
    await joinAs('flaky', 'z', 'zed');
    expect(world.queue.enqueued).toEqual([]);
    expect(world.log.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'could not schedule a presence count' }),
    );
  });
});

describe('presenceCountPeriod', () => {
  it('waits at least the minimum and long enough to keep within the posts budget', () => {
    const deps = fakeWorld().deps; // defaults: 5 s minimum, 500 posts/s
    expect(presenceCountPeriod(deps, 300)).toBe(5);
    expect(presenceCountPeriod(deps, 5_000)).toBe(10);
    expect(presenceCountPeriod(deps, 100_000)).toBe(200);
    expect(presenceCountPeriod(deps, 10_000_000)).toBe(900);
  });
});

describe('a herd of joins to an uncached room', () => {
  it('reads the room from the durable store a handful of times, not once per join', async () => {
    const herd = fakeWorld();
    // A read of the durable store takes a while, as DynamoDB's does, and joins keep
    // arriving meanwhile, as a reconnect storm's do: one a millisecond, reads of 5 ms.
    const read = herd.connections.roomConnections.bind(herd.connections);
    const reads = vi.spyOn(herd.connections, 'roomConnections').mockImplementation(async (id) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return read(id);
    });
    const joinOne = async (i: number) => {
      await new Promise((resolve) => setTimeout(resolve, i));
      const caller = { connectionId: `h${i}`, userId: `herd-${i}` };
      await herd.connections.putConnection({ ...caller, connectedAt: 1 });
      await joinRoom(herd.deps, caller, { roomId: 'herd' }, async () => {});
    };
    vi.useFakeTimers(); // the clock steps exactly, however loaded the machine
    const all = Promise.all(Array.from({ length: 200 }, (_, i) => joinOne(i)));
    await vi.advanceTimersByTimeAsync(300);
    await all;
    // The joins that found the room uncached read it, until the first fill cached it for
    // the rest. Fills refused for every join in between would cost a read per join.
    expect(reads.mock.calls.length).toBeLessThan(50);
    expect((await herd.cache.roomConnections('herd')).connections).toHaveLength(200);
  });
});

describe('presenceAfter: the answer every cache gives, from a full list', () => {
  const view = { onlineMax: 2, othersMax: 3 };
  const a1 = { connectionId: 'a1', userId: 'a' };
  const a2 = { connectionId: 'a2', userId: 'a' };
  const b1 = { connectionId: 'b1', userId: 'b' };
  const c1 = { connectionId: 'c1', userId: 'c' };

  it('lists the others when the user came online in a room within othersMax', () => {
    expect(presenceAfter([a1, b1, c1], a1, view)).toEqual({
      online: ['a', 'b'],
      onlineCount: 3,
      connectionCount: 3,
      userHasOthers: false,
      others: [b1, c1],
    });
  });

  it('owes nobody a frame while the user has another connection here', () => {
    expect(presenceAfter([a1, a2, b1], a2, view)).toMatchObject({ userHasOthers: true });
    expect(presenceAfter([a1, a2, b1], a2, view).others).toBeUndefined();
  });

  it('leaves the others out past othersMax, and when the room did not list the connection', () => {
    const d1 = { connectionId: 'd1', userId: 'd' };
    expect(presenceAfter([a1, b1, c1, d1], a1, view).others).toBeUndefined();
    expect(presenceAfter([b1], { connectionId: 'x', userId: undefined }, view)).toMatchObject({
      userHasOthers: true,
      connectionCount: 1,
    });
  });
});
