/** react, get_thread and `me`, as the chat core serves them, over the fakes. */
import { beforeEach, describe, expect, it } from 'vitest';
import { deleteMessage } from '../../../../functions/core/actions/delete-message.js';
import { editMessage } from '../../../../functions/core/actions/edit-message.js';
import { getThread } from '../../../../functions/core/actions/get-thread.js';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { leaveRoom } from '../../../../functions/core/actions/leave-room.js';
import { react } from '../../../../functions/core/actions/react.js';
import { listRooms } from '../../../../functions/core/actions/room-actions.js';
import { sendMessage } from '../../../../functions/core/actions/send-message.js';
import { REACTIONS_MAX_PER_MESSAGE } from '../../../../functions/core/limits.js';
import type { Caller } from '../../../../functions/core/message.js';
import { type FakeWorld, fakeWorld, historyAs, replyTo } from '../../../support/fakes.js';

let world: FakeWorld;
const alice: Caller = { connectionId: 'a1', userId: 'alice' };
const bob: Caller = { connectionId: 'b1', userId: 'bob' };
const bobPhone: Caller = { connectionId: 'b2', userId: 'bob' };
const carol: Caller = { connectionId: 'c1', userId: 'carol' };
const ROOM = 'lobby';

const reply = (caller: Caller) => replyTo(world, caller);
const reactAs = (caller: Caller, seq: number, emoji: string, on = true) =>
  react(world.deps, caller, { roomId: ROOM, seq, emoji, on }, reply(caller));
const send = (caller: Caller, content: string, replyToSeq?: number) =>
  sendMessage(world.deps, caller, { roomId: ROOM, content, replyTo: replyToSeq }, reply(caller));

const historyOf = (caller: Caller) => historyAs(world, caller, ROOM);

beforeEach(async () => {
  world = fakeWorld();
  for (const caller of [alice, bob, bobPhone, carol]) {
    await joinRoom(world.deps, caller, { roomId: ROOM }, reply(caller));
  }
  await send(alice, 'hello'); // seq 1
  await send(bob, 'hi'); // seq 2
  world.sender.clear();
});

describe('react', () => {
  it('acks with me for the caller and tells every other connection, the reactor’s others too', async () => {
    await reactAs(bob, 1, '👍');
    expect(world.sender.framesTo('b1')).toEqual([
      {
        type: 'ack',
        message: expect.objectContaining({
          seq: 1,
          reactions: [{ emoji: '👍', count: 1, me: true }],
          rev: 1,
        }),
      },
    ]);
    const frame = { type: 'reaction', roomId: ROOM, seq: 1, userId: 'bob', emoji: '👍', on: true };
    for (const id of ['a1', 'b2', 'c1']) expect(world.sender.framesTo(id)).toEqual([frame]);
  });

  it('is idempotent: the same reaction again, or a take-back of none, tells nobody', async () => {
    await reactAs(bob, 1, '👍');
    world.sender.clear();
    await reactAs(bob, 1, '👍');
    await reactAs(carol, 1, '🎉', false);
    expect(world.sender.recipients().sort()).toEqual(['b1', 'c1']);
    expect(world.sender.lastTo('b1')).toMatchObject({
      message: { reactions: [{ emoji: '👍', count: 1, me: true }] },
    });
    expect(world.sender.lastTo('c1')).toMatchObject({
      message: { reactions: [{ emoji: '👍', count: 1, me: false }] },
    });
  });

  it('takes a reaction back: the count drops, the emoji goes at 0, the room hears on: false', async () => {
    await reactAs(bob, 1, '👍');
    await reactAs(carol, 1, '👍');
    world.sender.clear();
    await reactAs(bob, 1, '👍', false);
    expect(world.sender.lastTo('a1')).toMatchObject({ type: 'reaction', on: false });
    expect(world.sender.lastTo('b1')).toMatchObject({
      message: { reactions: [{ emoji: '👍', count: 1, me: false }] },
    });
    await reactAs(carol, 1, '👍', false);
    const [first] = await historyOf(alice);
    expect(first).not.toHaveProperty('reactions');
  });

  it('shows each reader their own reactions as me, from the window and from PostgreSQL', async () => {
    await historyOf(carol); // the window is cached now
    await reactAs(bob, 1, '👍');
    await reactAs(carol, 1, '🎉');
    await reactAs(alice, 2, '👍');
    // The window holds counts only, the same for every reader.
    const cached = await world.cache.recentMessages(ROOM);
    expect(cached?.messages[0]?.reactions).toEqual([
      { emoji: '👍', count: 1, me: false },
      { emoji: '🎉', count: 1, me: false },
    ]);
    const [one, two] = await historyOf(bob);
    expect(one?.reactions).toEqual([
      { emoji: '👍', count: 1, me: true },
      { emoji: '🎉', count: 1, me: false },
    ]);
    expect(two?.reactions).toEqual([{ emoji: '👍', count: 1, me: false }]);
    // A page read from PostgreSQL (before: below the window's reach is not needed: drop it).
    await world.cache.forgetRecentMessages(ROOM);
    const [oneAgain] = await historyOf(carol);
    expect(oneAgain?.reactions).toEqual([
      { emoji: '👍', count: 1, me: false },
      { emoji: '🎉', count: 1, me: true },
    ]);
    // The join reply too.
    await joinRoom(world.deps, alice, { roomId: ROOM }, reply(alice));
    const joined = world.sender.framesOfType('a1', 'room_history').at(-1)?.messages;
    expect(joined?.[1]?.reactions).toEqual([{ emoji: '👍', count: 1, me: true }]);
  });

  it('costs a page with no reactions no read, and one with reactions one read', async () => {
    let reads = 0;
    const reactionsBy = world.deps.messages.reactionsBy.bind(world.deps.messages);
    world.deps.messages.reactionsBy = (...args) => {
      reads += 1;
      return reactionsBy(...args);
    };
    await historyOf(carol);
    expect(reads).toBe(0);
    await reactAs(bob, 1, '👍');
    await reactAs(bob, 2, '👍');
    await historyOf(carol);
    expect(reads).toBe(1);
  });

  it('is forbidden on a tombstone, before joining, or to a banned user; not_found past the end', async () => {
    await deleteMessage(world.deps, alice, { roomId: ROOM, seq: 1 }, reply(alice));
    await expect(reactAs(bob, 1, '👍')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(reactAs(bob, 9, '👍')).rejects.toMatchObject({ code: 'not_found' });
    await leaveRoom(world.deps, carol, { roomId: ROOM }, reply(carol));
    await expect(reactAs(carol, 2, '👍')).rejects.toMatchObject({ code: 'forbidden' });
    world.messages.ban(ROOM, 'bob');
    await expect(reactAs(bob, 2, '👍')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it(`refuses a new emoji past ${REACTIONS_MAX_PER_MESSAGE} on a message`, async () => {
    for (let i = 0; i < REACTIONS_MAX_PER_MESSAGE; i++) await reactAs(bob, 1, `e${i}`);
    await expect(reactAs(carol, 1, 'one-more')).rejects.toMatchObject({ code: 'forbidden' });
    await reactAs(carol, 1, 'e0');
    expect(world.sender.lastTo('c1')).toMatchObject({ type: 'ack' });
  });

  it('lets a delete drop the counts, and an edit keep them', async () => {
    await reactAs(carol, 2, '👍');
    await editMessage(world.deps, bob, { roomId: ROOM, seq: 2, content: 'hi!' }, reply(bob));
    const [, edited] = await historyOf(carol);
    expect(edited).toMatchObject({ content: 'hi!', reactions: [{ emoji: '👍', me: true }] });
    await deleteMessage(world.deps, bob, { roomId: ROOM, seq: 2 }, reply(bob));
    const [, gone] = await historyOf(carol);
    expect(gone).not.toHaveProperty('reactions');
  });
});

describe('get_thread', () => {
  it('answers the direct replies, oldest first, paged with after and hasMore', async () => {
    await send(bob, 'r1', 1); // 3
    await send(carol, 'not a reply'); // 4
    await send(carol, 'r2', 1); // 5
    await send(alice, 'r3', 1); // 6
    await reactAs(bob, 5, '👍');
    const thread = async (after?: number, limit?: number) => {
      await getThread(world.deps, bob, { roomId: ROOM, seq: 1, after, limit }, reply(bob));
      return world.sender.framesOfType('b1', 'room_history').at(-1);
    };
    const first = await thread(undefined, 2);
    expect(first).toMatchObject({ type: 'room_history', roomId: ROOM, hasMore: true });
    expect(first?.messages.map((m) => m.seq)).toEqual([3, 5]);
    expect(first?.messages[1]?.reactions).toEqual([{ emoji: '👍', count: 1, me: true }]);
    const rest = await thread(5);
    expect(rest?.messages.map((m) => m.seq)).toEqual([6]);
    expect(rest?.hasMore).toBe(false);
  });

  it('needs the room joined, and a message that exists', async () => {
    await leaveRoom(world.deps, carol, { roomId: ROOM }, reply(carol));
    await expect(
      getThread(world.deps, carol, { roomId: ROOM, seq: 1 }, reply(carol)),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      getThread(world.deps, bob, { roomId: ROOM, seq: 9 }, reply(bob)),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('mentions', () => {
  const unreadMentions = async (caller: Caller) => {
    await listRooms(world.deps, caller, {}, reply(caller));
    const frame = world.sender.framesOfType(caller.connectionId, 'rooms').at(-1);
    return frame?.rooms.find((r) => r.roomId === ROOM)?.unreadMentions;
  };

  it('follow an edit: a user the new text no longer names stops counting it', async () => {
    await send(alice, 'ping @carol and @bob'); // 3
    expect(await unreadMentions(carol)).toBe(1);
    await editMessage(
      world.deps,
      alice,
      { roomId: ROOM, seq: 3, content: 'ping @bob' },
      reply(alice),
    );
    expect(await unreadMentions(carol)).toBe(0);
    expect(await unreadMentions(bob)).toBe(1);
    const [, , third] = await historyOf(carol);
    expect(third?.mentions).toEqual(['bob']);
  });
});
