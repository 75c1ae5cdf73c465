/** edit_message and delete_message, as the chat core serves them, over the fakes. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteMessage } from '../../../../functions/core/actions/delete-message.js';
import { editMessage } from '../../../../functions/core/actions/edit-message.js';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { leaveRoom } from '../../../../functions/core/actions/leave-room.js';
import { sendMessage } from '../../../../functions/core/actions/send-message.js';
import type { Caller } from '../../../../functions/core/message.js';
import { type FakeWorld, fakeWorld, historyAs, replyTo } from '../../../support/fakes.js';

let world: FakeWorld;
// alice joins first, so she owns the room (as PostgreSQL's join makes the creator owner).
const alice: Caller = { connectionId: 'a1', userId: 'alice' };
const bob: Caller = { connectionId: 'b1', userId: 'bob' };
const bobPhone: Caller = { connectionId: 'b2', userId: 'bob' };
const carol: Caller = { connectionId: 'c1', userId: 'carol' };
const ROOM = 'lobby';

const reply = (caller: Caller) => replyTo(world, caller);
const edit = (caller: Caller, seq: number, content: string) =>
  editMessage(world.deps, caller, { roomId: ROOM, seq, content }, reply(caller));
const remove = (caller: Caller, seq: number) =>
  deleteMessage(world.deps, caller, { roomId: ROOM, seq }, reply(caller));
const send = (caller: Caller, content: string) =>
  sendMessage(world.deps, caller, { roomId: ROOM, content }, reply(caller));

const historyOf = (caller: Caller) => historyAs(world, caller, ROOM);

beforeEach(async () => {
  world = fakeWorld();
  for (const caller of [alice, bob, bobPhone, carol]) {
    await joinRoom(world.deps, caller, { roomId: ROOM }, reply(caller));
  }
  await send(bob, 'hello'); // seq 1
  await send(alice, 'welcome'); // seq 2
  world.sender.clear();
});

describe('edit_message', () => {
  it("acks the edited message and tells every other connection, the editor's others too", async () => {
    await edit(bob, 1, 'hello, all');
    const [ack, ...rest] = world.sender.framesTo('b1');
    expect(rest).toEqual([]);
    expect(ack).toMatchObject({
      type: 'ack',
      message: { seq: 1, userId: 'bob', content: 'hello, all', editedAt: expect.any(String) },
    });
    const message = ack?.type === 'ack' ? ack.message : undefined;
    for (const id of ['a1', 'b2', 'c1']) {
      expect(world.sender.framesTo(id)).toEqual([{ type: 'message_updated', message }]);
    }
  });

  it('serves the edit from history, the cached window included', async () => {
    await historyOf(carol); // the window is cached now
    await edit(bob, 1, 'hello, all');
    const [first] = await historyOf(carol);
    expect(first).toMatchObject({ seq: 1, content: 'hello, all', editedAt: expect.any(String) });
    expect((await world.cache.recentMessages(ROOM))?.messages[0]).toEqual(first);
  });

  it('answers a repeated edit with the ack again and tells nobody twice', async () => {
    await edit(bob, 1, 'hello, all');
    const firstAck = world.sender.lastTo('b1');
    world.sender.clear();
    await edit(bob, 1, 'hello, all');
    expect(world.sender.recipients()).toEqual(['b1']);
    expect(world.sender.lastTo('b1')).toEqual(firstAck);
  });

  it("is forbidden on someone else's message, even for the room's owner", async () => {
    await expect(edit(alice, 1, 'mine now')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(edit(carol, 2, 'mine now')).rejects.toMatchObject({ code: 'forbidden' });
    expect(world.sender.recipients()).toEqual([]);
  });

  it('is forbidden on a tombstone, and not_found past the last message', async () => {
    await remove(bob, 1);
    await expect(edit(bob, 1, 'back')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(edit(bob, 9, 'x')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('is forbidden to a muted member', async () => {
    world.rooms.mute(ROOM, 'bob');
    await expect(edit(bob, 1, 'sneaky')).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/muted/),
    });
    expect((await historyOf(carol))[0]?.content).toBe('hello');
  });

  it('is forbidden from a connection that has not joined the room, or has left it', async () => {
    const laptop: Caller = { connectionId: 'b3', userId: 'bob' };
    await expect(edit(laptop, 1, 'x')).rejects.toMatchObject({ code: 'forbidden' });
    await leaveRoom(world.deps, bobPhone, { roomId: ROOM }, reply(bobPhone));
    await expect(edit(bobPhone, 1, 'x')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('is forbidden to a banned user whose connection is still listed', async () => {
    world.messages.ban(ROOM, 'bob');
    await expect(edit(bob, 1, 'x')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('drops the cached window when it cannot be updated, so history reads the record', async () => {
    await historyOf(carol);
    vi.spyOn(world.cache, 'replaceRecentMessage').mockRejectedValueOnce(new Error('timeout'));
    await edit(bob, 1, 'hello, all');
    expect(world.sender.framesOfType('c1', 'message_updated')).toHaveLength(1);
    expect(await world.cache.recentMessages(ROOM)).toBeUndefined();
    expect((await historyOf(carol))[0]?.content).toBe('hello, all');
  });

  it('gives the frame to a connection that joined while the edit committed', async () => {
    // Its join reply may have read the old state; the room is read after the window is
    // rewritten, so it is in that read and gets the frame that corrects it.
    const dave: Caller = { connectionId: 'd1', userId: 'dave' };
    const original = world.deps.messages.editMessage.bind(world.deps.messages);
    vi.spyOn(world.deps.messages, 'editMessage').mockImplementationOnce(async (change) => {
      const result = await original(change);
      await joinRoom(world.deps, dave, { roomId: ROOM }, reply(dave));
      return result;
    });
    await edit(bob, 1, 'hello, all');
    expect(world.sender.framesOfType('d1', 'message_updated')).toHaveLength(1);
  });
});

describe('delete_message', () => {
  it('acks the tombstone and tells the others only the seq', async () => {
    await remove(bob, 1);
    expect(world.sender.framesTo('b1')).toEqual([
      {
        type: 'ack',
        message: expect.objectContaining({ seq: 1, userId: 'bob', content: '', deleted: true }),
      },
    ]);
    for (const id of ['a1', 'b2', 'c1']) {
      expect(world.sender.framesTo(id)).toEqual([
        { type: 'message_deleted', roomId: ROOM, seq: 1 },
      ]);
    }
    expect((await historyOf(carol)).map((m) => [m.seq, m.content, m.deleted])).toEqual([
      [1, '', true],
      [2, 'welcome', undefined],
    ]);
  });

  it("lets the owner and an admin delete anyone's message", async () => {
    await remove(alice, 1);
    expect(world.sender.framesTo('c1')).toEqual([
      { type: 'message_deleted', roomId: ROOM, seq: 1 },
    ]);
    world.rooms.setRole(ROOM, 'carol', 'admin');
    await remove(carol, 2);
    expect((await historyOf(bob)).every((m) => m.deleted)).toBe(true);
  });

  it("is forbidden to a member on someone else's message, and changes nothing", async () => {
    await historyOf(carol);
    await expect(remove(carol, 1)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await historyOf(carol))[0]?.content).toBe('hello');
  });

  it('answers a repeated delete with the ack again and tells nobody twice', async () => {
    await remove(bob, 1);
    const firstAck = world.sender.lastTo('b1');
    world.sender.clear();
    await remove(bob, 1);
    // The owner's delete of it afterwards is the same no-op.
    await remove(alice, 1);
    expect(world.sender.recipients().sort()).toEqual(['a1', 'b1']);
    expect(world.sender.lastTo('b1')).toEqual(firstAck);
    expect(world.sender.framesOfType('a1', 'ack')[0]?.message).toEqual(
      firstAck?.type === 'ack' ? firstAck.message : undefined,
    );
  });

  it('lets a muted member delete their own message', async () => {
    world.rooms.mute(ROOM, 'bob');
    await remove(bob, 1);
    expect(world.sender.framesTo('c1')).toHaveLength(1);
  });

  it('is not_found for a seq the room does not have', async () => {
    await expect(remove(alice, 3)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('rewrites a stale window on a retry, as the first attempt could not', async () => {
    await historyOf(carol);
    const replace = vi.spyOn(world.cache, 'replaceRecentMessage');
    replace.mockRejectedValueOnce(new Error('timeout'));
    vi.spyOn(world.cache, 'forgetRecentMessages').mockRejectedValueOnce(new Error('timeout'));
    await remove(bob, 1);
    expect((await world.cache.recentMessages(ROOM))?.messages[0]?.content).toBe('hello');
    await remove(bob, 1);
    expect((await world.cache.recentMessages(ROOM))?.messages[0]).toMatchObject({
      seq: 1,
      deleted: true,
    });
    expect(world.log.entries.map((e) => e.level)).toEqual(['warn', 'error']);
  });
});
