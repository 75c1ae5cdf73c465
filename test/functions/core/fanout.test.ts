/**
 * Delivery past one invocation: big audiences go to the fan-out queue in slices, posts that
 * may pass later are retried, and every post ends delivered, gone or dead-lettered.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { joinRoom } from '../../../functions/core/actions/join-room.js';
import { leaveRoom } from '../../../functions/core/actions/leave-room.js';
import { sendMessage } from '../../../functions/core/actions/send-message.js';
import type { ActionHandler } from '../../../functions/core/actions/types.js';
import { QueueRefusedError } from '../../../functions/core/errors.js';
import { deliver, retryDelaySeconds } from '../../../functions/core/fanout.js';
import { runFanoutJob } from '../../../functions/core/fanout-job.js';
import { dropConnection } from '../../../functions/core/membership.js';
import type { Caller, RoomConnection } from '../../../functions/core/message.js';
import type { DeliveryJob } from '../../../functions/core/ports.js';
import type { ReplyFrame } from '../../../functions/core/server-frames.js';
import { type FakeWorld, fakeWorld } from '../../support/fakes.js';

let world: FakeWorld;

beforeEach(() => {
  world = fakeWorld({ inlineFanoutMax: 10, fanoutSliceSize: 25, deliveryMaxAttempts: 4 });
});

async function run<R>(action: ActionHandler<R>, caller: Caller, request: R): Promise<void> {
  const reply = async (frame: ReplyFrame) => {
    await world.deps.sender.send(caller.connectionId, JSON.stringify(frame));
  };
  await action(world.deps, caller, request, reply);
}

/** `count` members of `roomId`, each its own user, joined through join_room. */
async function members(roomId: string, count: number, prefix = 'm'): Promise<Caller[]> {
  const callers: Caller[] = [];
  for (let i = 0; i < count; i++) {
    const caller = { connectionId: `${prefix}${i}`, userId: `${prefix}-user-${i}` };
    await world.connections.putConnection({ ...caller, connectedAt: 1 });
    await run(joinRoom, caller, { roomId });
    callers.push(caller);
  }
  await world.queue.drain(world.deps); // whatever the joins queued (presence)
  world.sender.clear();
  return callers;
}

const newMessages = (connectionId: string) =>
  world.sender.framesOfType(connectionId, 'new_message');

describe('deliver', () => {
  it('posts a small audience itself and queues nothing', async () => {
    const [alice, ...others] = await members('small', 5);
    await run(sendMessage, alice!, { roomId: 'small', content: 'hi' });
    expect(world.queue.enqueued).toEqual([]);
    for (const c of others) expect(newMessages(c.connectionId)).toHaveLength(1);
  });

  it('hands a big audience to the queue in slices, then every member gets it once', async () => {
    const [alice, ...others] = await members('big', 61);
    await run(sendMessage, alice!, { roomId: 'big', content: 'to everyone' });
    // The sender's own invocation posted nothing but the ack.
    expect(world.sender.recipients()).toEqual([alice!.connectionId]);
    const jobs = world.queue.jobsOf('deliver');
    expect(jobs.map((j) => j.to.length)).toEqual([25, 25, 10]);
    expect(jobs.every((j) => j.attempt === 0)).toBe(true);
    expect(world.queue.enqueued.every((e) => e.delaySeconds === 0)).toBe(true);

    const outcomes = await world.queue.drain(world.deps);
    expect(outcomes.reduce((n, o) => n + o.posted, 0)).toBe(60);
    for (const c of others) {
      expect(newMessages(c.connectionId).map((f) => f.message.content)).toEqual(['to everyone']);
    }
    expect(newMessages(alice!.connectionId)).toEqual([]);
  });

  it('retries throttled posts through the queue with a delay, until they pass', async () => {
    const [alice, bob, carol] = await members('r', 3);
    world.sender.retrying.add(bob!.connectionId);
    await run(sendMessage, alice!, { roomId: 'r', content: 'x' });
    expect(newMessages(carol!.connectionId)).toHaveLength(1);
    expect(world.queue.pending).toEqual([
      {
        job: expect.objectContaining({ kind: 'deliver', attempt: 1, to: [bob] }),
        delaySeconds: expect.any(Number),
      },
    ]);
    expect(world.queue.pending[0]?.delaySeconds).toBeGreaterThan(0);
    world.sender.retrying.clear();
    await world.queue.drain(world.deps);
    expect(newMessages(bob!.connectionId)).toHaveLength(1);
    expect(newMessages(carol!.connectionId)).toHaveLength(1);
  });

  it('logs what a refusing queue cost instead of failing the request', async () => {
    const [alice] = await members('down', 20);
    world.queue.failing = true;
    await run(sendMessage, alice!, { roomId: 'down', content: 'lost' });
    // The ack still went out: the message is durable and the sender was answered.
    expect(world.sender.framesOfType(alice!.connectionId, 'ack')).toHaveLength(1);
    expect(world.log.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ undelivered: 19 }),
      }),
    );
  });
});

describe('a queue that takes only part of a hand-over', () => {
  it('logs exactly the posts it did not take', async () => {
    const [alice] = await members('part', 61); // 60 others: slices of 25, 25 and 10
    world.deps.queue.enqueue = async (jobs) => {
      throw new QueueRefusedError(jobs.slice(2));
    };
    await run(sendMessage, alice!, { roomId: 'part', content: 'partly queued' });
    expect(world.log.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ undelivered: 10 }),
      }),
    );
  });
});

describe('the fan-out worker core', () => {
  const budget = { postsPerSecond: 1_000_000, remainingMs: () => 30_000, reserveMs: 0 };
  const noSleep = async () => {};
  const audience = (n: number): RoomConnection[] =>
    Array.from({ length: n }, (_, i) => ({ connectionId: `w${i}`, userId: `u${i}` }));
  const job = (to: RoomConnection[], attempt = 0): DeliveryJob => ({
    kind: 'deliver',
    roomId: 'room',
    frame: '{"type":"new_message"}',
    to,
    attempt,
  });

  it('accounts for every post: delivered, gone, or dead-lettered after the last try', async () => {
    const to = audience(10);
    world.sender.gone.add('w1');
    world.sender.retrying.add('w2');
    world.sender.retrying.add('w3');
    await world.deps.queue.enqueue([job(to)]);
    const outcomes = await world.queue.drain(world.deps, { sleep: noSleep });
    const total = outcomes.reduce(
      (sum, o) => ({
        posted: sum.posted + o.posted,
        gone: sum.gone + o.gone,
        deadLettered: sum.deadLettered + o.deadLettered,
      }),
      { posted: 0, gone: 0, deadLettered: 0 },
    );
    expect(total).toEqual({ posted: 7, gone: 1, deadLettered: 2 });
    // Tried again in the invocation, then through the queue, up to deliveryMaxAttempts.
    expect(world.queue.enqueued.map((e) => (e.job as DeliveryJob).attempt)).toEqual([0, 1, 2, 3]);
    expect(world.queue.deadLetters).toEqual([
      {
        job: expect.objectContaining({ attempt: 4, to: [to[2], to[3]] }),
        reason: expect.any(String),
      },
    ]);
    expect(world.log.entries).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'deliveries dead-lettered' }),
    );
  });

  it('cleans up a connection a post found gone, and tells the room once', async () => {
    const [alice, bob] = await members('g', 2);
    world.sender.gone.add(bob!.connectionId);
    await runFanoutJob(
      world.deps,
      { ...job([{ ...bob! }]), roomId: 'g' },
      {
        ...budget,
        sleep: noSleep,
      },
    );
    expect(await world.connections.isInRoom('g', bob!.connectionId)).toBe(false);
    expect(await world.cache.isInRoom('g', bob!.connectionId)).toBe(false);
    expect(await world.connections.getConnection(bob!.connectionId)).toBeUndefined();
    expect(world.sender.framesOfType(alice!.connectionId, 'presence')).toEqual([
      {
        type: 'presence',
        roomId: 'g',
        userId: bob!.userId,
        status: 'offline',
        lastSeen: expect.any(String),
      },
    ]);
  });

  it('skips members who left the room after the frame was made', async () => {
    const [alice, bob, carol] = await members('moved', 3);
    const slice = { ...job([alice!, bob!, carol!]), roomId: 'moved' };
    await run(leaveRoom, bob!, { roomId: 'moved' });
    world.sender.clear();
    const outcome = await runFanoutJob(world.deps, slice, { ...budget, sleep: noSleep });
    expect(outcome).toMatchObject({ posted: 2, left: 1 });
    expect(world.sender.recipients().sort()).toEqual(
      [alice!.connectionId, carol!.connectionId].sort(),
    );
  });

  it('does not announce again a user whose connection had already left', async () => {
    const [alice, bob] = await members('once', 2);
    await run(leaveRoom, bob!, { roomId: 'once' }); // alice hears bob go offline
    // A slice made before the leave reaches bob's connection, which is gone by now.
    world.sender.gone.add(bob!.connectionId);
    await dropConnection(world.deps, bob!.connectionId, { seenIn: { roomId: 'once', ...bob! } });
    expect(world.sender.framesOfType(alice!.connectionId, 'presence')).toEqual([
      {
        type: 'presence',
        roomId: 'once',
        userId: bob!.userId,
        status: 'offline',
      },
    ]);
  });

  it('hands back what it had no time to start, with no failed try counted', async () => {
    let clock = 0;
    const outcome = await runFanoutJob(world.deps, job(audience(100), 2), {
      // 5 posts every 50 ms; 200 ms to spend before the 1 s reserve: 5 chunks start.
      postsPerSecond: 100,
      remainingMs: () => 1_200 - clock,
      reserveMs: 1_000,
      sleep: async (ms) => {
        clock += ms;
      },
      now: () => clock,
    });
    expect(outcome).toMatchObject({ posted: 25, requeued: 75, deadLettered: 0 });
    expect(world.queue.pending).toEqual([
      { job: expect.objectContaining({ attempt: 2 }), delaySeconds: 0 },
    ]);
  });

  it('starts posts at the pace it is given, in chunks', async () => {
    let clock = 0;
    const waits: number[] = [];
    await runFanoutJob(world.deps, job(audience(100)), {
      postsPerSecond: 200,
      remainingMs: () => 30_000,
      reserveMs: 0,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    // 200/s in 20 chunks a second: 10 posts every 50 ms, so 100 posts take 450 ms to start.
    expect(waits).toHaveLength(9);
    expect(waits.every((ms) => Math.abs(ms - 50) < 1e-9)).toBe(true);
    expect(world.sender.recipients()).toHaveLength(100);
  });

  it('fails the job when the queue refuses the retry, so the queue brings it back', async () => {
    world.sender.retrying.add('w0');
    world.queue.failing = true;
    await expect(
      runFanoutJob(world.deps, job(audience(3)), { ...budget, sleep: noSleep }),
    ).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('backs off 1, 2, 4 s... with jitter, capped at a minute', () => {
    expect(retryDelaySeconds(0)).toBe(0);
    expect([1, 2, 3, 4, 8].map((a) => retryDelaySeconds(a, () => 0.999))).toEqual([1, 2, 4, 8, 60]);
    expect([1, 2, 3, 4, 8].map((a) => retryDelaySeconds(a, () => 0))).toEqual([1, 1, 2, 4, 30]);
  });
});

describe('deliver to nobody', () => {
  it('posts and queues nothing', async () => {
    await deliver(world.deps, 'empty', [], { type: 'left', roomId: 'empty' });
    expect(world.sender.recipients()).toEqual([]);
    expect(world.queue.enqueued).toEqual([]);
  });
});
