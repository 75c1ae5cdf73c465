/** The MessageStore contract: run against the real PostgreSQL (and the embedded one). */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatError } from '../../functions/core/errors.js';
import { PostgresMessageStore } from '../../functions/stores/postgres/message-store.js';
import { uid } from '../support/services.js';

export type PoolFactory = () => Promise<[pg.Pool, () => Promise<void>]>;

export function messageStoreContract(name: string, factory: PoolFactory) {
  describe(`MessageStore contract: ${name}`, () => {
    let pool: pg.Pool;
    let cleanup: () => Promise<void>;
    let store: PostgresMessageStore;
    beforeAll(async () => {
      [pool, cleanup] = await factory();
      store = new PostgresMessageStore(pool);
    });
    afterAll(() => cleanup());

    const send = (roomId: string, content: string, userId = 'alice', clientMsgId?: string) =>
      store.appendMessage({ roomId, userId, content, clientMsgId });

    it('creates a public room on first join, its creator the owner', async () => {
      const room = uid();
      expect(await store.joinRoom(room, 'alice')).toEqual({ lastSeq: 0 });
      expect(await store.joinRoom(room, 'bob')).toEqual({ lastSeq: 0 });
      const { rows } = await pool.query(
        'SELECT user_id, role FROM room_members WHERE room_id = $1 ORDER BY user_id',
        [room],
      );
      expect(rows).toEqual([
        { user_id: 'alice', role: 'owner' },
        { user_id: 'bob', role: 'member' },
      ]);
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
      expect(await store.joinRoom(room, 'bob')).toEqual({ lastSeq: 2 });
    });

    it('gives messages time-ordered ids (UUIDv7) stamped with the time they were stored', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const before = Date.now();
      const { message } = await send(room, 'stamped');
      const after = Date.now();
      expect(message.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      const stampedMs = Number.parseInt(message.id.replaceAll('-', '').slice(0, 12), 16);
      // The database clock and ours agree on this machine to well within a second.
      expect(stampedMs).toBeGreaterThanOrEqual(before - 1000);
      expect(stampedMs).toBeLessThanOrEqual(after + 1000);
    });

    it('stores a retried clientMsgId once and returns the stored message', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const first = await send(room, 'hello', 'alice', 'k1');
      const again = await send(room, 'hello (retry)', 'alice', 'k1');
      expect(again).toEqual({ message: first.message, duplicate: true });
      const other = await send(room, 'hello', 'bob', 'k1');
      expect(other.message.seq).toBe(2);
      expect((await store.latest(room, 10)).lastSeq).toBe(2);
    });

    it('keeps seqs gap-free under concurrent senders, duplicates included', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
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
    });

    it('answers an empty room with no messages and last seq 0', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      expect(await store.latest(room, 5)).toEqual({ messages: [], lastSeq: 0 });
      expect(await store.history(room, { limit: 5 })).toEqual({ messages: [], hasMore: false });
    });

    it('refuses banned users and non-members of private rooms', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      await pool.query("UPDATE rooms SET visibility = 'private' WHERE id = $1", [room]);
      await expect(store.joinRoom(room, 'mallory')).rejects.toBeInstanceOf(ChatError);
      await expect(store.joinRoom(room, 'mallory')).rejects.toMatchObject({ code: 'forbidden' });
      expect(await store.joinRoom(room, 'alice')).toEqual({ lastSeq: 0 });
      await pool.query('UPDATE room_members SET banned_at = now() WHERE room_id = $1', [room]);
      await expect(store.joinRoom(room, 'alice')).rejects.toMatchObject({ code: 'forbidden' });
    });

    it('returns from a send exactly the message that history reads back', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const plain = await send(room, 'no key');
      const keyed = await send(room, 'with key', 'alice', 'key-1');
      const stored = (await store.history(room, { limit: 10 })).messages;
      expect(stored).toEqual([plain.message, keyed.message]);
      expect(plain.message).not.toHaveProperty('clientMsgId');
      expect(keyed.message.clientMsgId).toBe('key-1');
    });

    it('refuses a room id outside the protocol pattern in the schema itself', async () => {
      for (const bad of ['has space', '', 'x'.repeat(65), "quote'"]) {
        await expect(pool.query('INSERT INTO rooms (id) VALUES ($1)', [bad])).rejects.toMatchObject(
          { code: '23514', constraint: 'rooms_id_check' },
        );
      }
      const room = uid();
      await store.joinRoom(room, 'alice');
      await expect(
        pool.query('UPDATE rooms SET id = $2 WHERE id = $1', [room, 'bad id']),
      ).rejects.toMatchObject({ code: '23514' });
    });

    it('treats content as data, never as SQL', async () => {
      const room = uid();
      await store.joinRoom(room, 'alice');
      const evil = "'); DROP TABLE messages; --";
      const { message } = await send(room, evil);
      expect((await store.history(room, { limit: 1 })).messages[0]?.content).toBe(evil);
      expect(message.content).toBe(evil);
    });
  });
}
