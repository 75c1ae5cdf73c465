/**
 * The MessageStore contract's part on protocol v2's search: run inside
 * `messageStoreContract`, so on every implementation it runs on. What every store must
 * agree on is the scope (who may find what), the order of equal matches, the cursors and
 * CJK substrings; PostgreSQL's ranking and excerpts are tested beside it.
 */
import { describe, expect, it } from 'vitest';
import { ChatError } from '../../../../functions/core/errors.js';
import type { SearchQuery } from '../../../../functions/core/ports.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../../../functions/core/search-frames.js';
import { uid } from '../../../support/services.js';
import type { MessageStoreHarness } from './message-store.contract.js';

export function searchContract(harness: () => MessageStoreHarness) {
  const store = () => harness().store;
  const search = (userId: string, text: string, more: Partial<SearchQuery> = {}) =>
    store().search({ userId, text, limit: 20, ...more });
  const contents = async (userId: string, text: string, more: Partial<SearchQuery> = {}) =>
    (await search(userId, text, more)).hits.map((h) => h.message.content).sort();
  const send = async (roomId: string, userId: string, content: string) =>
    (await store().appendMessage({ roomId, userId, content })).message;
  /** A room `userId` joined (created by them unless it exists). */
  const roomOf = async (userId: string, roomId = uid()) => {
    await store().joinRoom(roomId, userId);
    return roomId;
  };

  describe('search', () => {
    it("finds a member's messages by a word, in every room they belong to", async () => {
      const alice = uid('u');
      const [one, two] = [await roomOf(alice), await roomOf(alice)];
      await send(one, alice, 'the zebra crossing is closed');
      await send(two, alice, 'a zebra in the second room');
      await send(two, alice, 'nothing to see here');
      expect(await contents(alice, 'zebra')).toEqual([
        'a zebra in the second room',
        'the zebra crossing is closed',
      ]);
      expect(await contents(alice, 'zebra', { roomId: one })).toEqual([
        'the zebra crossing is closed',
      ]);
      expect(await contents(alice, 'giraffe')).toEqual([]);
    });

    it('marks the matches in the highlight', async () => {
      const alice = uid('u');
      const room = await roomOf(alice);
      await send(room, alice, 'look at the walrus now');
      const [hit] = (await search(alice, 'walrus')).hits;
      expect(hit?.highlight).toContain(`${HIGHLIGHT_START}walrus${HIGHLIGHT_END}`);
    });

    it('answers messages as they are now: edits, no tombstones, the reader’s reactions', async () => {
      const alice = uid('u');
      const bob = uid('u');
      const room = await roomOf(alice);
      await roomOf(bob, room);
      const edited = await send(room, alice, 'first draft about otters');
      const deleted = await send(room, alice, 'otters again, soon gone');
      await store().editMessage({
        roomId: room,
        seq: edited.seq,
        editorId: alice,
        content: 'final text about beavers',
      });
      await store().deleteMessage({
        roomId: room,
        seq: deleted.seq,
        actorId: alice,
        asModerator: false,
      });
      expect(await contents(alice, 'otters')).toEqual([]);
      await store().react({
        roomId: room,
        seq: edited.seq,
        userId: bob,
        emoji: '👍',
        on: true,
        maxEmoji: 20,
      });
      const [asBob] = (await search(bob, 'beavers')).hits;
      expect(asBob?.message).toMatchObject({ content: 'final text about beavers', rev: 2 });
      expect(asBob?.message.editedAt).toBeDefined();
      expect(asBob?.message.reactions).toEqual([{ emoji: '👍', count: 1, me: false }]);
      expect(asBob?.mine).toEqual(['👍']);
      expect((await search(alice, 'beavers')).hits[0]?.mine).toEqual([]);
    });

    it('never finds a room the user may not read', async () => {
      const alice = uid('u');
      const mallory = uid('u');
      const word = 'pelican';
      const publicRoom = await roomOf(alice);
      const privateRoom = await roomOf(alice);
      await harness().makePrivate(privateRoom);
      const removedFrom = await roomOf(alice);
      await roomOf(mallory, removedFrom);
      const bannedFrom = await roomOf(alice);
      await roomOf(mallory, bannedFrom);
      const encrypted = await roomOf(alice);
      await roomOf(mallory, encrypted);
      for (const room of [publicRoom, privateRoom, removedFrom, bannedFrom, encrypted]) {
        await send(room, alice, `${word} in ${room}`);
      }
      await harness().remove(removedFrom, mallory);
      await harness().ban(bannedFrom, mallory);
      await harness().encrypt(encrypted);

      // A public room mallory never joined, a private one they are not in, one they were
      // removed from, one they are banned from, an encrypted one: nothing.
      expect(await contents(mallory, word)).toEqual([]);
      for (const roomId of [publicRoom, privateRoom, removedFrom, bannedFrom, encrypted]) {
        expect(await contents(mallory, word, { roomId })).toEqual([]);
      }
      // Alice reads all but the encrypted room.
      expect(await contents(alice, word)).toEqual(
        [publicRoom, privateRoom, removedFrom, bannedFrom].map((r) => `${word} in ${r}`).sort(),
      );
      expect(await contents(alice, word, { roomId: encrypted })).toEqual([]);
    });

    it('pages best first, then newest, every match once, the last page without a cursor', async () => {
      const alice = uid('u');
      const room = await roomOf(alice);
      for (let i = 0; i < 5; i++) await send(room, alice, `heron ${i}`);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await search(alice, 'heron', { limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...page.hits.map((h) => h.message.content));
        cursor = page.cursor;
        pages++;
        expect(page.hits.length).toBeLessThanOrEqual(2);
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      // Equal ranks: newest first.
      expect(seen).toEqual(['heron 4', 'heron 3', 'heron 2', 'heron 1', 'heron 0']);
    });

    it('refuses a cursor it did not give for this search (bad_request)', async () => {
      const alice = uid('u');
      const room = await roomOf(alice);
      for (let i = 0; i < 3; i++) await send(room, alice, `ibis ${i} stork`);
      const { cursor } = await search(alice, 'ibis', { limit: 1 });
      expect(cursor).toBeDefined();
      for (const bad of ['garbage', 'W10', Buffer.from('[1,2,3]').toString('base64url')]) {
        await expect(search(alice, 'ibis', { cursor: bad })).rejects.toMatchObject({
          code: 'bad_request',
        });
      }
      const otherSearch = search(alice, 'stork', { limit: 1, cursor: cursor as string });
      await expect(otherSearch).rejects.toBeInstanceOf(ChatError);
      await expect(otherSearch).rejects.toMatchObject({ code: 'bad_request' });
      const otherRoom = search(alice, 'ibis', { roomId: room, cursor: cursor as string });
      await expect(otherRoom).rejects.toMatchObject({ code: 'bad_request' });
    });

    it('finds Chinese text by any run of its characters', async () => {
      const alice = uid('u');
      const room = await roomOf(alice);
      await send(room, alice, '我们明天在北京开会');
      await send(room, alice, '上海的天气很好');
      const meeting = ['我们明天在北京开会'];
      expect(await contents(alice, '北京')).toEqual(meeting);
      expect(await contents(alice, '开会')).toEqual(meeting);
      expect(await contents(alice, '北京开会')).toEqual(meeting);
      // No dictionary: a run across two words is still a substring of the text.
      expect(await contents(alice, '京开')).toEqual(meeting);
      expect(await contents(alice, '京')).toEqual(meeting);
      expect(await contents(alice, '会')).toEqual(meeting);
      expect(await contents(alice, '北京 天气')).toEqual([]);
      expect(await contents(alice, '广州')).toEqual([]);
      expect(await contents(alice, '开会北京')).toEqual([]);
      expect(await contents(alice, '天')).toEqual(['上海的天气很好', '我们明天在北京开会']);
    });
  });
}
