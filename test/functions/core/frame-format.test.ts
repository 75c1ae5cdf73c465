/**
 * Each connection gets frames in its own format (compact when its handshake asked), and a
 * frame is serialised once per format its audience uses, never once per connection.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { joinRoom } from '../../../functions/core/actions/join-room.js';
import { sendMessage } from '../../../functions/core/actions/send-message.js';
import type { Caller } from '../../../functions/core/message.js';
import { removeFromRoom } from '../../../functions/core/removal.js';
import { decodeCompact } from '../../../protocol/compact-codec.js';
import { COMPACT_KEYS, COMPACT_TYPES } from '../../../protocol/compact-keys.js';
import { type FakeWorld, fakeWorld, replyTo } from '../../support/fakes.js';

let world: FakeWorld;
/** The frames each broadcast call carried, one entry per call. */
let broadcasts: { ids: string[]; data: string }[];

beforeEach(() => {
  world = fakeWorld({ inlineFanoutMax: 10, fanoutSliceSize: 4 });
  broadcasts = [];
  const broadcast = world.sender.broadcast.bind(world.sender);
  world.sender.broadcast = async (ids, data) => {
    broadcasts.push({ ids: [...ids], data });
    return broadcast(ids, data);
  };
});

/** Members of `roomId`, every other one reading compact frames. */
async function members(roomId: string, count: number): Promise<Caller[]> {
  const callers: Caller[] = [];
  for (let i = 0; i < count; i++) {
    const caller: Caller = {
      connectionId: `c${i}`,
      userId: `user-${i}`,
      ...(i % 2 === 1 ? { format: 'compact' as const } : {}),
    };
    await world.connections.putConnection({ ...caller, connectedAt: 1 });
    await joinRoom(world.deps, caller, { roomId }, replyTo(world, caller));
    callers.push(caller);
  }
  await world.queue.drain(world.deps);
  world.sender.clear();
  broadcasts = [];
  return callers;
}

const raw = (connectionId: string) => world.sender.sent.get(connectionId) ?? [];

describe('frame formats', () => {
  it('sends each member the frame in its own format, one broadcast per format', async () => {
    const [alice, ...others] = await members('mixed', 5);
    await sendMessage(
      world.deps,
      alice!,
      { roomId: 'mixed', content: 'hi' },
      replyTo(world, alice!),
    );
    expect(broadcasts).toHaveLength(2);
    const [longFrame, compactFrame] = broadcasts.map((b) => JSON.parse(b.data));
    expect(longFrame.type).toBe('new_message');
    expect(compactFrame[COMPACT_KEYS.type]).toBe(COMPACT_TYPES.new_message);
    expect(decodeCompact(compactFrame)).toEqual(longFrame);
    for (const member of others) {
      const [frame] = raw(member.connectionId).map((f) => JSON.parse(f));
      if (member.format === 'compact') expect(frame).toEqual(compactFrame);
      else expect(frame).toEqual(longFrame);
    }
  });

  it('sends a room of one format a single serialisation', async () => {
    const callers: Caller[] = [];
    for (let i = 0; i < 3; i++) {
      const caller: Caller = { connectionId: `k${i}`, userId: `k-${i}`, format: 'compact' };
      await joinRoom(world.deps, caller, { roomId: 'all-compact' }, replyTo(world, caller));
      callers.push(caller);
    }
    await world.queue.drain(world.deps);
    broadcasts = [];
    await sendMessage(
      world.deps,
      callers[0]!,
      { roomId: 'all-compact', content: 'x' },
      async () => {},
    );
    expect(broadcasts).toHaveLength(1);
    expect(broadcasts[0]?.ids.sort()).toEqual(['k1', 'k2']);
  });

  it("slices a big audience per format, each job carrying its connections' format", async () => {
    const [alice] = await members('big', 13);
    await sendMessage(world.deps, alice!, { roomId: 'big', content: 'to all' }, async () => {});
    const jobs = world.queue.jobsOf('deliver');
    // 6 long (c2..c12 even) and 6 compact: slices of 4 within each format.
    expect(jobs.map((j) => j.to.length)).toEqual([4, 2, 4, 2]);
    for (const job of jobs) {
      const compact = job.to.every((c) => c.format === 'compact');
      expect(compact || job.to.every((c) => c.format === undefined)).toBe(true);
      const frame = JSON.parse(job.frame);
      expect(compact ? frame[COMPACT_KEYS.type] : frame.type).toBe(
        compact ? COMPACT_TYPES.new_message : 'new_message',
      );
    }
    await world.queue.drain(world.deps);
    const frames = new Set(['c1', 'c2', 'c3', 'c12'].map((id) => raw(id).at(-1)));
    expect(frames.size).toBe(2);
  });

  it('tells a removed compact connection in its format', async () => {
    const [, bob] = await members('team', 2);
    await removeFromRoom(world.deps, 'team', bob!.userId, 'banned');
    const frames = raw(bob!.connectionId).map((f) => decodeCompact(JSON.parse(f)));
    expect(frames).toContainEqual({ type: 'removed', roomId: 'team', reason: 'banned' });
  });
});
