/**
 * The MessageStore contract's part on protocol v2's reactions, threads and mentions on
 * edit: run inside `messageStoreContract`, so on every implementation it runs on.
 */
import { describe, expect, it } from 'vitest';
import type { MessageStore, ReactionChange } from '../../../../functions/core/ports.js';
import { uid } from '../../../support/services.js';

export function reactionsAndThreadsContract(store: () => MessageStore) {
  /** A room alice and bob joined, with alice's message 1. */
  async function roomWithMessage() {
    const room = uid();
    await store().joinRoom(room, 'alice');
    await store().joinRoom(room, 'bob');
    const { message } = await store().appendMessage({
      roomId: room,
      userId: 'alice',
      content: 'hi',
    });
    return { room, message };
  }
  const react = (
    roomId: string,
    seq: number,
    userId: string,
    emoji: string,
    on = true,
    maxEmoji = 20,
  ) => store().react({ roomId, seq, userId, emoji, on, maxEmoji } satisfies ReactionChange);
  const counts = async (roomId: string, seq: number) =>
    (await store().history(roomId, { after: seq - 1, limit: 1 })).messages[0]?.reactions;

  describe('reactions', () => {
    it('counts reactions per emoji in order of first use, with rev bumped each change', async () => {
      const { room, message } = await roomWithMessage();
      const first = await react(room, 1, 'bob', '👍');
      expect(first.changed).toBe(true);
      expect(first.mine).toEqual(['👍']);
      expect(first.message).toEqual({
        ...message,
        reactions: [{ emoji: '👍', count: 1, me: false }],
        rev: 1,
      });
      await react(room, 1, 'alice', '🎉');
      const third = await react(room, 1, 'alice', '👍');
      expect(third.mine).toEqual(['🎉', '👍']);
      expect(third.message.rev).toBe(3);
      const expected = [
        { emoji: '👍', count: 2, me: false },
        { emoji: '🎉', count: 1, me: false },
      ];
      expect(third.message.reactions).toEqual(expected);
      // Reads carry the counts as stored (me is the reader's, marked by the core).
      expect(await counts(room, 1)).toEqual(expected);
      expect((await store().latest(room, 1)).messages[0]?.reactions).toEqual(expected);
    });

    it('is idempotent both ways, and drops an emoji at 0', async () => {
      const { room } = await roomWithMessage();
      const on = await react(room, 1, 'bob', '👍');
      const again = await react(room, 1, 'bob', '👍');
      expect(again).toEqual({ message: on.message, changed: false, mine: ['👍'] });
      const off = await react(room, 1, 'bob', '👍', false);
      expect(off.changed).toBe(true);
      expect(off.mine).toEqual([]);
      expect(off.message).not.toHaveProperty('reactions');
      expect(off.message.rev).toBe(2);
      const offAgain = await react(room, 1, 'bob', '👍', false);
      expect(offAgain).toEqual({ message: off.message, changed: false, mine: [] });
      expect(await counts(room, 1)).toBeUndefined();
    });

    it('keeps counts exact under concurrent reactions', async () => {
      const { room } = await roomWithMessage();
      const users = Array.from({ length: 8 }, (_, i) => `u${i}`);
      for (const u of users) await store().joinRoom(room, u);
      await Promise.all(users.map((u) => react(room, 1, u, u < 'u4' ? '👍' : '❤️')));
      await Promise.all(users.slice(0, 2).map((u) => react(room, 1, u, '👍', false)));
      const final = await counts(room, 1);
      expect(final).toHaveLength(2);
      expect(final).toEqual(
        expect.arrayContaining([
          { emoji: '👍', count: 2, me: false },
          { emoji: '❤️', count: 4, me: false },
        ]),
      );
    });

    it('refuses a new emoji past the cap, but not one the message has', async () => {
      const { room } = await roomWithMessage();
      await react(room, 1, 'bob', 'a', true, 2);
      await react(room, 1, 'bob', 'b', true, 2);
      await expect(react(room, 1, 'alice', 'c', true, 2)).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect((await react(room, 1, 'alice', 'a', true, 2)).changed).toBe(true);
    });

    it('refuses tombstones and unknown seqs; a delete drops the counts', async () => {
      const { room } = await roomWithMessage();
      await react(room, 1, 'bob', '👍');
      const { message } = await store().deleteMessage({
        roomId: room,
        seq: 1,
        actorId: 'alice',
        asModerator: false,
      });
      expect(message).not.toHaveProperty('reactions');
      await expect(react(room, 1, 'bob', '🎉')).rejects.toMatchObject({ code: 'forbidden' });
      await expect(react(room, 2, 'bob', '🎉')).rejects.toMatchObject({ code: 'not_found' });
      await expect(react(uid(), 1, 'bob', '🎉')).rejects.toMatchObject({ code: 'not_found' });
      expect(await store().reactionsBy(room, 'bob', [1])).toEqual([]);
    });

    it("answers a reader's own reactions on the seqs asked, and only theirs", async () => {
      const { room } = await roomWithMessage();
      await store().appendMessage({ roomId: room, userId: 'alice', content: 'two' });
      await react(room, 1, 'bob', '👍');
      await react(room, 2, 'bob', '🎉');
      await react(room, 2, 'alice', '👍');
      const own = await store().reactionsBy(room, 'bob', [1, 2]);
      expect(own.sort((a, b) => a.seq - b.seq)).toEqual([
        { seq: 1, emoji: '👍' },
        { seq: 2, emoji: '🎉' },
      ]);
      expect(await store().reactionsBy(room, 'bob', [2])).toEqual([{ seq: 2, emoji: '🎉' }]);
      expect(await store().reactionsBy(room, 'bob', [])).toEqual([]);
    });
  });

  describe('threads', () => {
    it('pages the direct replies to a message, ascending, with hasMore', async () => {
      const { room } = await roomWithMessage();
      const send = (content: string, replyTo?: number) =>
        store().appendMessage({ roomId: room, userId: 'bob', content, replyTo });
      await send('r1', 1); // 2
      await send('elsewhere'); // 3
      await send('r2', 1); // 4
      await send('reply to a reply', 2); // 5
      await send('r3', 1); // 6
      const first = await store().thread(room, 1, { limit: 2 });
      expect(first.messages.map((m) => m.seq)).toEqual([2, 4]);
      expect(first.messages[0]).toMatchObject({ content: 'r1', replyTo: 1 });
      expect(first.hasMore).toBe(true);
      const next = await store().thread(room, 1, { after: 4, limit: 2 });
      expect(next).toMatchObject({ hasMore: false });
      expect(next.messages.map((m) => m.seq)).toEqual([6]);
      // One level: a reply to a reply is in the thread of the message it replies to.
      expect((await store().thread(room, 2, { limit: 10 })).messages.map((m) => m.seq)).toEqual([
        5,
      ]);
      expect(await store().thread(room, 3, { limit: 10 })).toEqual({
        messages: [],
        hasMore: false,
      });
      await expect(store().thread(room, 9, { limit: 10 })).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });

  describe('mentions on edit', () => {
    it('replaces the mentions with those of the new content', async () => {
      const room = uid();
      await store().joinRoom(room, 'alice');
      await store().appendMessage({
        roomId: room,
        userId: 'alice',
        content: '@bob @carol',
        mentions: ['bob', 'carol'],
      });
      const { message } = await store().editMessage({
        roomId: room,
        seq: 1,
        editorId: 'alice',
        content: '@carol @dave',
        mentions: ['carol', 'dave'],
      });
      expect(message.mentions).toEqual(['carol', 'dave']);
      const none = await store().editMessage({
        roomId: room,
        seq: 1,
        editorId: 'alice',
        content: 'nobody',
      });
      expect(none.message).not.toHaveProperty('mentions');
      expect((await store().latest(room, 1)).messages[0]).not.toHaveProperty('mentions');
    });
  });
}
