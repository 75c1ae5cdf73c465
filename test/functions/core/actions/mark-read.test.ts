/** mark_read, as the chat core serves it, over the fakes (protocol v2, "Read state"). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { markRead } from '../../../../functions/core/actions/mark-read.js';
import { getRoom } from '../../../../functions/core/actions/room-actions.js';
import { sendMessage } from '../../../../functions/core/actions/send-message.js';
import type { ChatLimits } from '../../../../functions/core/limits.js';
import type { Caller } from '../../../../functions/core/message.js';
import { type FakeWorld, fakeWorld, replyTo } from '../../../support/fakes.js';

let world: FakeWorld;
const alice: Caller = { connectionId: 'a1', userId: 'alice' };
const bob: Caller = { connectionId: 'b1', userId: 'bob' };
const bobPhone: Caller = { connectionId: 'b2', userId: 'bob' };
const carol: Caller = { connectionId: 'c1', userId: 'carol' };
const ROOM = 'lobby';

const reply = (caller: Caller) => replyTo(world, caller);
const join = (caller: Caller) => joinRoom(world.deps, caller, { roomId: ROOM }, reply(caller));
const send = (caller: Caller, content: string) =>
  sendMessage(world.deps, caller, { roomId: ROOM, content }, reply(caller));
const mark = (caller: Caller, seq: number) =>
  markRead(world.deps, caller, { roomId: ROOM, seq }, reply(caller));
const receipt = (userId: string, seq: number) => ({ type: 'read', roomId: ROOM, userId, seq });

/** alice, bob on two devices and carol in the room; alice has said five things. */
async function setUp(limits: Partial<ChatLimits> = {}): Promise<void> {
  world = fakeWorld(limits);
  for (const caller of [alice, bob, bobPhone, carol]) await join(caller);
  for (let i = 1; i <= 5; i++) await send(alice, `m${i}`);
  world.sender.clear();
}

beforeEach(() => setUp());
afterEach(() => vi.useRealTimers());

describe('mark_read', () => {
  it("answers read_state, gives the user's other devices the same, and the others a receipt", async () => {
    await mark(bob, 3);
    const state = { type: 'read_state', roomId: ROOM, readSeq: 3, unread: 2 };
    expect(world.sender.framesTo('b1')).toEqual([state]);
    expect(world.sender.framesTo('b2')).toEqual([state]);
    expect(world.sender.framesTo('a1')).toEqual([receipt('bob', 3)]);
    expect(world.sender.framesTo('c1')).toEqual([receipt('bob', 3)]);
  });

  it('answers a mark that does not move the cursor with the current state, and tells nobody', async () => {
    await mark(bob, 4);
    world.sender.clear();
    await mark(bob, 2);
    await mark(bobPhone, 4);
    const state = { type: 'read_state', roomId: ROOM, readSeq: 4, unread: 1 };
    expect(world.sender.framesTo('b1')).toEqual([state]);
    expect(world.sender.framesTo('b2')).toEqual([state]);
    expect(world.sender.recipients().sort()).toEqual(['b1', 'b2']);
  });

  it('clamps a seq past the last message, and counts unread from the last seq', async () => {
    await mark(bob, 99);
    expect(world.sender.lastTo('b1')).toEqual({
      type: 'read_state',
      roomId: ROOM,
      readSeq: 5,
      unread: 0,
    });
    await send(alice, 'm6');
    await join(bobPhone);
    expect(world.sender.lastTo('b2')).toMatchObject({ readSeq: 5, unread: 1, lastSeq: 6 });
  });

  it('refuses a connection that has not joined the room, and moves nothing', async () => {
    const dave: Caller = { connectionId: 'd1', userId: 'dave' };
    await expect(mark(dave, 1)).rejects.toMatchObject({ code: 'forbidden' });
    const idle: Caller = { connectionId: 'b3', userId: 'bob' };
    await expect(mark(idle, 5)).rejects.toMatchObject({ code: 'forbidden' });
    expect(world.sender.recipients()).toEqual([]);
    await join(idle);
    expect(world.sender.lastTo('b3')).toMatchObject({ readSeq: 0, unread: 5 });
  });

  it('refuses a banned member whose connection is still listed', async () => {
    world.messages.ban(ROOM, 'carol');
    await expect(mark(carol, 1)).rejects.toMatchObject({ code: 'forbidden' });
    expect(world.sender.recipients()).toEqual([]);
  });

  it('sends at most one receipt per user and room a throttle period, and never loses the state', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await mark(bob, 1);
    await mark(bob, 2);
    await mark(bobPhone, 3);
    expect(world.sender.framesTo('a1')).toEqual([receipt('bob', 1)]);
    // The devices hear every move (as a reply or from the other): the throttle holds back
    // receipts only.
    for (const device of ['b1', 'b2']) {
      const seen = world.sender.framesTo(device).map((f) => f.type === 'read_state' && f.readSeq);
      expect(seen).toEqual([1, 2, 3]);
    }
    // carol's receipts have a throttle of their own.
    await mark(carol, 4);
    expect(world.sender.lastTo('a1')).toEqual(receipt('carol', 4));
    vi.advanceTimersByTime(world.deps.limits.receiptThrottleMs);
    await mark(bob, 4);
    expect(world.sender.lastTo('a1')).toEqual(receipt('bob', 4));
  });

  it('sends no receipts in a room with more connections than receiptsMaxMembers', async () => {
    await setUp({ receiptsMaxMembers: 3 });
    await mark(bob, 2);
    expect(world.sender.recipients().sort()).toEqual(['b1', 'b2']);
  });

  it('sends the receipt unthrottled when the cache cannot claim it', async () => {
    world.cache.claimReadReceipt = () => Promise.reject(new Error('redis down'));
    await mark(bob, 2);
    await mark(bob, 3);
    expect(world.sender.framesTo('c1').map((f) => f.type === 'read' && f.seq)).toEqual([2, 3]);
    expect(world.log.entries.some((e) => e.level === 'warn')).toBe(true);
  });
});

describe('read state elsewhere', () => {
  it("starts a new member at the room's last seq, and moves the sender's cursor", async () => {
    const dave: Caller = { connectionId: 'd1', userId: 'dave' };
    await join(dave);
    expect(world.sender.lastTo('d1')).toMatchObject({ lastSeq: 5, readSeq: 5, unread: 0 });
    await send(bob, 'hi'); // seq 6
    await join({ connectionId: 'b4', userId: 'bob' });
    expect(world.sender.lastTo('b4')).toMatchObject({ lastSeq: 6, readSeq: 6, unread: 0 });
  });

  it("gives get_room's members their read cursors, for 'seen by'", async () => {
    await mark(carol, 2);
    await getRoom(world.deps, alice, { roomId: ROOM }, reply(alice));
    const frame = world.sender.lastTo('a1');
    const members = frame?.type === 'room' ? frame.members : undefined;
    expect(members?.map((m) => [m.userId, m.readSeq])).toEqual([
      ['alice', 5],
      ['bob', 0],
      ['carol', 2],
    ]);
  });
});
