/**
 * The MessageStore contract, run against every implementation: PostgreSQL (the run's and
 * the dev server's embedded one, bare and behind the circuit breaker) and the tests' fake
 * (`FakeMessageStore`, under every action and handler test). Each factory returns
 * `[harness, cleanup]`, as socket.io-redis-adapter's test runner does. Only what the port
 * shows is asserted here; an implementation's own rows and schema are tested beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatError } from '../../../../functions/core/errors.js';
import type { MessageStore } from '../../../../functions/core/ports.js';
import { uid } from '../../../support/services.js';
import { reactionsAndThreadsContract } from './message-store-reactions.contract.js';
import { searchContract } from './message-store-search.contract.js';

/**
 * A store, and the two changes to a room the port does not make (room administration is
 * not a port yet) but whose effect on `joinRoom` it promises.
 */
export interface MessageStoreHarness {
  store: MessageStore;
  /** Makes an existing room private: only its members may join it. */
  makePrivate(roomId: string): Promise<void>;
  /** Bans a member of an existing room. */
  ban(roomId: string, userId: string): Promise<void>;
  /** Takes a member out of a room (remove_member). */
  remove(roomId: string, userId: string): Promise<void>;
  /** Marks a room encrypted, as create_room with `encrypted: true` makes it. */
  encrypt(roomId: string): Promise<void>;
}

export type MessageStoreFactory = () => Promise<[MessageStoreHarness, () => Promise<void>]>;

/** Any RFC 9562 UUID, lower case: the port promises a UUID, not which version. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function messageStoreContract(name: string, factory: MessageStoreFactory) {
  describe(`MessageStore contract: ${name}`, () => {
    let harness: MessageStoreHarness;
    let store: MessageStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      [harness, cleanup] = await factory();
      store = harness.store;
    });
    // A factory that failed (a server that could not start) has nothing to clean up.
    afterAll(() => cleanup?.());

    const send = (roomId: string, content: string, userId = 'alice', clientMsgId?: string) =>
      store.appendMessage({ roomId, userId, content, clientMsgId });

    it('creates a public room on first join, which anyone may then join', async () => {
      const room = uid();
      expect(await store.joinRoom(room, 'alice')).toEqual({ lastSeq: 0, readSeq: 0 });
      expect(await store.joinRoom(room, 'bob')).toEqual({ lastSeq: 0, readSeq: 0 });
      expect(await store.joinRoom(room, 'alice')).toEqual({ lastSeq: 0, readSeq: 0 });
    });

    it('gives each message the next seq, from 1', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const first = await send(room, 'one');
      const second = await send(room, 'two');
      expect(first.message).toMatchObject({
        roomId: room,
        seq: 1,
        userId: 'alice',
        content: 'one',
      });
      expect(second.message.seq).toBe(2);
      expect(first.duplicate).toBe(false);
      expect(first.message.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(await store.joinRoom(room, 'bob')).toEqual({ lastSeq: 2, readSeq: 2 });
    });

    it('stores replyTo and mentions, and serves them in history and latest', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      await send(room, 'question');
      const answer = await store.appendMessage({
        roomId: room,
        userId: 'alice',
        content: '@bob see above',
        replyTo: 1,
        mentions: ['bob'],
      });
      expect(answer.message).toMatchObject({ seq: 2, replyTo: 1, mentions: ['bob'] });
      const page = await store.history(room, { after: 0, limit: 10 });
      expect(page.messages[1]).toMatchObject({ seq: 2, replyTo: 1, mentions: ['bob'] });
      expect(page.messages[0]).not.toHaveProperty('replyTo');
      expect(page.messages[0]).not.toHaveProperty('mentions');
      expect((await store.latest(room, 1)).messages[0]).toMatchObject({ replyTo: 1 });
    });

    it('stores attachments without links, serves them in history, drops them on delete', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const file = {
        id: '0b0b0b0b-0000-4000-8000-000000000001',
        fileName: 'plan ✓.pdf',
        contentType: 'application/pdf',
        size: 1234,
      };
      const sent = await store.appendMessage({
        roomId: room,
        userId: 'alice',
        content: '',
        attachments: [file],
      });
      // The links are made per serving (core/files.ts): the record has none.
      expect(sent.message).toMatchObject({
        seq: 1,
        content: '',
        attachments: [{ ...file, url: '' }],
      });
      const page = await store.history(room, { after: 0, limit: 10 });
      expect(page.messages[0]).toEqual(sent.message);
      await send(room, 'plain');
      expect((await store.latest(room, 1)).messages[0]).not.toHaveProperty('attachments');
      const { message } = await store.deleteMessage({
        roomId: room,
        seq: 1,
        actorId: 'alice',
        asModerator: false,
      });
      expect(message).not.toHaveProperty('attachments');
    });

    it('refuses a replyTo the room does not hold, storing nothing', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      await send(room, 'one');
      const refused = await store
        .appendMessage({ roomId: room, userId: 'alice', content: 'x', replyTo: 2 })
        .then(
          () => undefined,
          (e: unknown) => (e as { code?: string }).code,
        );
      expect(refused).toBe('bad_request');
      expect(await store.joinRoom(room, 'alice')).toEqual({ lastSeq: 1, readSeq: 1 });
    });

    it('gives every message an id of its own, a UUID', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push((await send(room, `m${i}`)).message.id);
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('stores a retried clientMsgId once and returns the stored message', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const first = await send(room, 'hello', 'alice', 'k1');
      const again = await send(room, 'hello (retry)', 'alice', 'k1');
      expect(again).toEqual({ message: first.message, duplicate: true });
      await store.joinRoom(room, 'bob');
      const other = await send(room, 'hello', 'bob', 'k1');
      expect(other.message.seq).toBe(2);
      expect((await store.latest(room, 10)).lastSeq).toBe(2);
    });

    it('keeps a clientMsgId apart per room', async () => {
      const [one, two] = [uid(), uid()];
      await store.joinRoom(one, 'alice');
      await store.joinRoom(two, 'alice');
      const first = await send(one, 'hello', 'alice', 'k1');
      const second = await send(two, 'hello', 'alice', 'k1');
      expect(second.duplicate).toBe(false);
      expect(second.message).toMatchObject({ roomId: two, seq: 1 });
      expect(second.message.id).not.toBe(first.message.id);
    });

    it('keeps seqs gap-free under concurrent senders, duplicates included', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      await store.joinRoom(room, 'bob');
      const sends = [];
      for (let i = 0; i < 50; i++) {
        sends.push(send(room, `a${i}`, 'alice', `a${i}`), send(room, `b${i}`, 'bob', `b${i}`));
        if (i % 10 === 0) sends.push(send(room, `a${i}`, 'alice', `a${i}`));
      }
      const results = await Promise.all(sends);
      const stored = results.filter((r) => !r.duplicate).map((r) => r.message.seq);
      expect(stored.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      expect(results.filter((r) => r.duplicate)).toHaveLength(5);
    });

    it('refuses a message to a room that does not exist', async () => {
      await expect(send(uid(), 'x')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('pages history newest-first by seq, in both directions', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      for (let i = 1; i <= 12; i++) await send(room, `m${i}`);
      const seqs = (p: { messages: { seq: number }[] }) => p.messages.map((m) => m.seq);

      const newest = await store.history(room, { limit: 5 });
      expect(seqs(newest)).toEqual([8, 9, 10, 11, 12]);
      expect(newest.hasMore).toBe(true);
      const older = await store.history(room, { before: 8, limit: 5 });
      expect(seqs(older)).toEqual([3, 4, 5, 6, 7]);
      const oldest = await store.history(room, { before: 3, limit: 5 });
      expect(seqs(oldest)).toEqual([1, 2]);
      expect(oldest.hasMore).toBe(false);
      const after = await store.history(room, { after: 9, limit: 2 });
      expect(seqs(after)).toEqual([10, 11]);
      expect(after.hasMore).toBe(true);
      const tail = await store.history(room, { after: 10, limit: 5 });
      expect(seqs(tail)).toEqual([11, 12]);
      expect(tail.hasMore).toBe(false);

      const latest = await store.latest(room, 3);
      expect(latest.lastSeq).toBe(12);
      expect(latest.messages.map((m) => m.seq)).toEqual([10, 11, 12]);
      const all = await store.latest(room, 50);
      expect(all.messages.map((m) => m.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    });

    it('answers an empty room with no messages and last seq 0', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      expect(await store.latest(room, 5)).toEqual({ messages: [], lastSeq: 0 });
      expect(await store.history(room, { limit: 5 })).toEqual({ messages: [], hasMore: false });
    });

    it('answers a room that does not exist as empty, and does not create it', async () => {
      const room = uid();
      expect(await store.latest(room, 5)).toEqual({ messages: [], lastSeq: 0 });
      expect(await store.history(room, { limit: 5 })).toEqual({ messages: [], hasMore: false });
      expect(await store.history(room, { after: 0, limit: 5 })).toEqual({
        messages: [],
        hasMore: false,
      });
      await expect(send(room, 'x')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('refuses banned users and non-members of private rooms', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      await harness.makePrivate(room);
      await expect(store.joinRoom(room, 'mallory')).rejects.toBeInstanceOf(ChatError);
      await expect(store.joinRoom(room, 'mallory')).rejects.toMatchObject({ code: 'forbidden' });
      expect(await store.joinRoom(room, 'alice')).toEqual({ lastSeq: 0, readSeq: 0 });
      await harness.ban(room, 'alice');
      await expect(store.joinRoom(room, 'alice')).rejects.toMatchObject({ code: 'forbidden' });
    });

    it('refuses a banned user of a public room, and only them', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      await store.joinRoom(room, 'bob');
      await harness.ban(room, 'bob');
      await expect(store.joinRoom(room, 'bob')).rejects.toMatchObject({ code: 'forbidden' });
      expect(await store.joinRoom(room, 'alice')).toEqual({ lastSeq: 0, readSeq: 0 });
      expect(await store.joinRoom(room, 'carol')).toEqual({ lastSeq: 0, readSeq: 0 });
    });

    it('returns from a send exactly the message that history reads back', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const plain = await send(room, 'no key');
      const keyed = await send(room, 'with key', 'alice', 'key-1');
      const stored = (await store.history(room, { limit: 10 })).messages;
      expect(stored).toEqual([plain.message, keyed.message]);
      expect((await store.latest(room, 10)).messages).toEqual(stored);
      expect(plain.message).not.toHaveProperty('clientMsgId');
      expect(keyed.message.clientMsgId).toBe('key-1');
    });

    describe('edits and deletes', () => {
      /** A room with alice's message 1 and bob's message 2. */
      async function twoMessages() {
        const room = uid();
        await store.joinRoom(room, 'alice');
        await store.joinRoom(room, 'bob');
        const mine = (await send(room, 'hello', 'alice', 'k1')).message;
        const theirs = (await send(room, 'hi', 'bob')).message;
        return { room, mine, theirs };
      }
      const edit = (roomId: string, seq: number, content: string, editorId = 'alice') =>
        store.editMessage({ roomId, seq, editorId, content });
      const remove = (roomId: string, seq: number, actorId = 'alice', asModerator = false) =>
        store.deleteMessage({ roomId, seq, actorId, asModerator });

      it("edits the author's own message in place, with editedAt", async () => {
        const { room, mine } = await twoMessages();
        const { message, changed } = await edit(room, 1, 'hello, world');
        expect(changed).toBe(true);
        const { editedAt, ...rest } = message;
        // Every change of a message bumps its rev: caches order states by it.
        expect(rest).toEqual({ ...mine, content: 'hello, world', rev: 1 });
        expect(editedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(editedAt! >= mine.createdAt).toBe(true);
        expect(message).not.toHaveProperty('deleted');
      });

      it('serves the current state on every read: history, latest, a retried send', async () => {
        const { room } = await twoMessages();
        const edited = (await edit(room, 1, 'edited')).message;
        const tombstone = (await remove(room, 2, 'bob')).message;
        const expected = [edited, tombstone];
        expect((await store.history(room, { limit: 10 })).messages).toEqual(expected);
        expect((await store.history(room, { after: 0, limit: 10 })).messages).toEqual(expected);
        expect((await store.latest(room, 10)).messages).toEqual(expected);
        // The send's retry answers the message as it is now, not as it was sent.
        expect(await send(room, 'hello', 'alice', 'k1')).toEqual({
          message: edited,
          duplicate: true,
        });
      });

      it('makes each edit later than the one before', async () => {
        const { room } = await twoMessages();
        const stamps = [];
        for (const content of ['a', 'b', 'c']) {
          stamps.push((await edit(room, 1, content)).message.editedAt ?? '');
        }
        expect(stamps[0]! < stamps[1]! && stamps[1]! < stamps[2]!).toBe(true);
      });

      it('answers a repeated edit unchanged, and changes nothing', async () => {
        const { room } = await twoMessages();
        const first = await edit(room, 1, 'again');
        const retry = await edit(room, 1, 'again');
        expect(retry).toEqual({ message: first.message, changed: false });
        // Content the message already has, never edited: nothing to change either.
        const { message } = await twoMessages().then(({ room: other }) =>
          edit(other, 2, 'hi', 'bob'),
        );
        expect(message).not.toHaveProperty('editedAt');
      });

      it("refuses an edit of someone else's message, or of no message", async () => {
        const { room, theirs } = await twoMessages();
        await expect(edit(room, 2, 'mine now')).rejects.toMatchObject({ code: 'forbidden' });
        await expect(edit(room, 3, 'x')).rejects.toMatchObject({ code: 'not_found' });
        await expect(edit(uid(), 1, 'x')).rejects.toMatchObject({ code: 'not_found' });
        expect((await store.history(room, { limit: 10 })).messages[1]).toEqual(theirs);
      });

      it('makes a deleted message a tombstone that keeps its seq', async () => {
        const { room, mine } = await twoMessages();
        const { message, changed } = await remove(room, 1);
        expect(changed).toBe(true);
        expect(message).toEqual({ ...mine, content: '', deleted: true, rev: 1 });
        expect((await store.latest(room, 10)).lastSeq).toBe(2);
        const next = await send(room, 'after', 'alice');
        expect(next.message.seq).toBe(3);
      });

      it('answers a repeated delete unchanged, and refuses to edit a tombstone', async () => {
        const { room } = await twoMessages();
        const first = await remove(room, 1);
        expect(await remove(room, 1)).toEqual({ message: first.message, changed: false });
        await expect(edit(room, 1, 'back')).rejects.toMatchObject({ code: 'forbidden' });
        expect((await store.history(room, { limit: 1, before: 2 })).messages).toEqual([
          first.message,
        ]);
      });

      it("deletes someone else's message only as a moderator", async () => {
        const { room } = await twoMessages();
        await expect(remove(room, 2, 'alice')).rejects.toMatchObject({ code: 'forbidden' });
        const { message, changed } = await remove(room, 2, 'alice', true);
        expect(changed).toBe(true);
        expect(message).toMatchObject({ seq: 2, userId: 'bob', content: '', deleted: true });
        // The author deleting it again afterwards: already done.
        expect((await remove(room, 2, 'bob')).changed).toBe(false);
        await expect(remove(room, 5, 'alice', true)).rejects.toMatchObject({ code: 'not_found' });
      });

      it('applies concurrent edits one after another, ending at the latest', async () => {
        const { room } = await twoMessages();
        const results = await Promise.all(
          ['a', 'b', 'c', 'd', 'e'].map((content) => edit(room, 1, content)),
        );
        const stamps = results.map((r) => r.message.editedAt ?? '').sort();
        expect(new Set(stamps).size).toBe(results.length);
        const last = results.find((r) => r.message.editedAt === stamps.at(-1));
        expect((await store.history(room, { limit: 1, before: 2 })).messages).toEqual([
          last?.message,
        ]);
      });
    });

    describe('read cursor', () => {
      /** A room of `count` messages by alice, which bob joined before they were sent. */
      async function roomWith(count: number): Promise<string> {
        const room = uid();
        await store.joinRoom(room, 'alice');
        await store.joinRoom(room, 'bob');
        for (let i = 0; i < count; i++) await send(room, `m${i + 1}`);
        return room;
      }

      it('moves forward only, and says whether it moved', async () => {
        const room = await roomWith(5);
        expect(await store.markRead(room, 'bob', 3)).toEqual({
          readSeq: 3,
          lastSeq: 5,
          moved: true,
        });
        expect(await store.markRead(room, 'bob', 2)).toEqual({
          readSeq: 3,
          lastSeq: 5,
          moved: false,
        });
        expect(await store.markRead(room, 'bob', 3)).toMatchObject({ readSeq: 3, moved: false });
        expect(await store.joinRoom(room, 'bob')).toEqual({ lastSeq: 5, readSeq: 3 });
      });

      it('clamps a seq past the last message to the last seq', async () => {
        const room = await roomWith(2);
        expect(await store.markRead(room, 'bob', 1_000)).toEqual({
          readSeq: 2,
          lastSeq: 2,
          moved: true,
        });
        await send(room, 'later');
        expect(await store.joinRoom(room, 'bob')).toEqual({ lastSeq: 3, readSeq: 2 });
      });

      it("is moved by the member's own send, and starts a new member at the last seq", async () => {
        const room = await roomWith(2);
        await store.appendMessage({ roomId: room, userId: 'bob', content: 'me too' });
        expect(await store.markRead(room, 'bob', 1)).toEqual({
          readSeq: 3,
          lastSeq: 3,
          moved: false,
        });
        expect(await store.joinRoom(room, 'carol')).toEqual({ lastSeq: 3, readSeq: 3 });
      });

      it('ends at the highest of concurrent marks', async () => {
        const room = await roomWith(6);
        const marks = await Promise.all(
          [4, 2, 6, 1, 5, 3].map((s) => store.markRead(room, 'bob', s)),
        );
        expect(marks.filter((m) => m.readSeq === 6 && m.moved)).toHaveLength(1);
        expect(await store.joinRoom(room, 'bob')).toEqual({ lastSeq: 6, readSeq: 6 });
      });

      it('refuses non-members and banned users, and an unknown room', async () => {
        const room = await roomWith(2);
        await expect(store.markRead(room, 'stranger', 1)).rejects.toMatchObject({
          code: 'forbidden',
        });
        await harness.ban(room, 'bob');
        await expect(store.markRead(room, 'bob', 1)).rejects.toMatchObject({ code: 'forbidden' });
        await expect(store.markRead(uid(), 'alice', 1)).rejects.toMatchObject({
          code: 'not_found',
        });
      });
    });
    reactionsAndThreadsContract(() => store);
    searchContract(() => harness);

    it('treats content as data, never as a query', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const evil = "'); DROP TABLE messages; --";
      const { message } = await send(room, evil);
      expect((await store.history(room, { limit: 1 })).messages[0]?.content).toBe(evil);
      expect(message.content).toBe(evil);
    });
  });
}
