/**
 * Retention and erasure against PostgreSQL: the purge's store (bounded batches, first seq
 * never back), history's firstSeq, erasure (tombstones, ownership, audit) and export.
 */
import { Writable } from 'node:stream';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpiredMessages } from '../../../../functions/core/retention-purge.js';
import { eraseUser } from '../../../../functions/maintenance/erase-user.js';
import { exportUser } from '../../../../functions/maintenance/export-user.js';
import { MemoryPresenceCache } from '../../../../functions/stores/memory/presence-cache.js';
import {
  ALL_ROOMS,
  PostgresErasureStore,
} from '../../../../functions/stores/postgres/erasure-store.js';
import { PostgresExportStore } from '../../../../functions/stores/postgres/export-store.js';
import { PostgresMessageStore } from '../../../../functions/stores/postgres/message-store.js';
import { PostgresRetentionStore } from '../../../../functions/stores/postgres/retention-store.js';
import { PostgresRoomStore } from '../../../../functions/stores/postgres/room-store.js';
import { FakeConnectionStore } from '../../../support/fakes.js';
import { testPool, uid } from '../../../support/services.js';

let pool: pg.Pool;
let messages: PostgresMessageStore;
let rooms: PostgresRoomStore;
beforeAll(() => {
  pool = testPool();
  messages = new PostgresMessageStore(pool);
  rooms = new PostgresRoomStore(pool);
});
afterAll(() => pool.end());

const quiet = { info() {}, warn() {}, error() {} };

/** A room with `count` messages by `userId`, the first `old` of them 40 days old. */
async function roomWith(count: number, old: number, userId = uid('u')) {
  const roomId = uid();
  await rooms.createRoom({ roomId, visibility: 'public', encrypted: false, createdBy: userId });
  for (let i = 1; i <= count; i++) {
    await messages.appendMessage({ roomId, userId, content: `m${i}` });
  }
  await pool.query(
    `UPDATE messages SET created_at = now() - interval '40 days' WHERE room_id = $1 AND seq <= $2`,
    [roomId, old],
  );
  return { roomId, userId };
}

describe('PostgresRetentionStore', () => {
  it('reads the oldest kept messages and purges below a seq, never moving first_seq back', async () => {
    const { roomId } = await roomWith(5, 3);
    const store = new PostgresRetentionStore(pool);
    const oldest = await store.oldestMessages(roomId, 2);
    expect(oldest.map((m) => m.seq)).toEqual([1, 2]);
    expect(await store.purgeBelow(roomId, 3)).toBe(2);
    expect(await store.purgeBelow(roomId, 2)).toBe(0);
    const { rows } = await pool.query('SELECT first_seq FROM rooms WHERE id = $1', [roomId]);
    expect(Number(rows[0].first_seq)).toBe(3);
  });

  it('purges a room with retentionDays in batches; history then starts later and says so', async () => {
    const { roomId, userId } = await roomWith(7, 5);
    await rooms.updateRoom(roomId, userId, { retentionDays: 30 });
    const store = new PostgresRetentionStore(pool);
    const forgotten: string[] = [];
    // Only this test's room: the run is driven room by room through a filtered store.
    const report = await purgeExpiredMessages(
      {
        store: {
          roomsWithRetention: async (after) =>
            after === '' ? [{ roomId, retentionDays: 30 }] : [],
          oldestMessages: (id, limit) => store.oldestMessages(id, limit),
          purgeBelow: (id, seq) => store.purgeBelow(id, seq),
        },
        cache: { forgetRecentMessages: async (id) => void forgotten.push(id) },
        log: quiet,
      },
      { nowMs: Date.now(), batchSize: 2 },
    );
    expect(report.purged).toEqual([{ roomId, deleted: 5, firstSeq: 6 }]);
    // Each chunk that erased something in the room dropped its window: how many chunks that
    // is depends on the rest of the table the walk passes through (a shared database).
    expect(forgotten.length).toBeGreaterThan(0);
    expect(new Set(forgotten)).toEqual(new Set([roomId]));

    const page = await messages.history(roomId, { limit: 50 });
    expect(page.messages.map((m) => m.seq)).toEqual([6, 7]);
    expect(page).toMatchObject({ hasMore: false, firstSeq: 6 });
    expect(await messages.history(roomId, { before: 6, limit: 50 })).toEqual({
      messages: [],
      hasMore: false,
      firstSeq: 6,
    });
    expect((await messages.latest(roomId, 10)).firstSeq).toBe(6);
    // Seqs are never reused: the next message takes last_seq + 1.
    const next = await messages.appendMessage({ roomId, userId, content: 'after' });
    expect(next.message.seq).toBe(8);
  });

  it('lists only rooms that set retentionDays, in id order after a cursor', async () => {
    const { roomId, userId } = await roomWith(1, 0);
    const store = new PostgresRetentionStore(pool);
    const before = roomId.slice(0, -1);
    expect((await store.roomsWithRetention(before, 1000)).map((r) => r.roomId)).not.toContain(
      roomId,
    );
    await rooms.updateRoom(roomId, userId, { retentionDays: 7 });
    expect(await store.roomsWithRetention(before, 1000)).toContainEqual({
      roomId,
      retentionDays: 7,
    });
  });
});

describe('erasure and export', () => {
  it('tombstones the user’s messages, hands the room on, records it, and exports what is left', async () => {
    const gone = uid('gone');
    const { roomId } = await roomWith(2, 0, gone);
    const admin = uid('admin');
    const member = uid('member');
    await rooms.changeMember({ action: 'add', roomId, userId: member, actorId: gone });
    await rooms.changeMember({
      action: 'add',
      roomId,
      userId: admin,
      actorId: gone,
      role: 'admin',
    });
    await messages.appendMessage({
      roomId,
      userId: member,
      content: `stays, @${gone}`,
      mentions: [gone],
    });
    // A room they never joined can still name them.
    const elsewhere = uid('elsewhere');
    await messages.joinRoom(elsewhere, member);
    await messages.appendMessage({
      roomId: elsewhere,
      userId: member,
      content: `@${gone} never came here`,
      mentions: [gone],
    });
    // Their reactions on others' messages go (the counts follow); others' on theirs go with
    // the tombstones.
    const react = (userId: string, seq: number, emoji: string) =>
      messages.react({ roomId, seq, userId, emoji, on: true, maxEmoji: 20 });
    await react(gone, 3, '👍');
    await react(member, 3, '👍');
    await react(gone, 3, '🎉');
    await react(member, 1, '❤️');

    // Their status item and its cached copy (the stores' own behaviour is their contracts').
    const connections = new FakeConnectionStore();
    const presence = new MemoryPresenceCache();
    await connections.putStatus(gone, { status: 'dnd', text: 'leaving' });
    await connections.putLastSeen(gone, 1_000);
    await presence.putStatus(gone, { status: 'dnd', text: 'leaving' });
    await connections.putStatus(member, { status: 'away' });
    await presence.putStatus(member, { status: 'away' });

    const erasure = new PostgresErasureStore(pool);
    const forgotten: string[] = [];
    const report = await eraseUser(
      {
        store: erasure,
        cache: { forgetRecentMessages: async (id) => void forgotten.push(id) },
        connections,
        presence,
      },
      gone,
      { actorId: 'ops', chunkRows: 2 },
    );
    expect(report).toMatchObject({ done: true, messagesErased: 2, rooms: [roomId] });
    expect(report.memberships.handedOver).toEqual([{ roomId, to: admin }]);
    // Each chunk that erased something in the room dropped its window: how many chunks that
    // is depends on the rest of the table the walk passes through (a shared database).
    expect(forgotten.length).toBeGreaterThan(0);
    expect(new Set(forgotten)).toEqual(new Set([roomId]));
    expect((await rooms.getMember(roomId, admin))?.role).toBe('owner');
    // The member row goes, and the read cursor with it: nothing else holds one.
    expect(await rooms.getMember(roomId, gone)).toBeUndefined();
    // Nothing of their presence is left; others' stays.
    expect([...(await connections.userStates([gone, member])).keys()]).toEqual([member]);
    expect(await presence.statuses([gone, member])).toEqual([undefined, { status: 'away' }]);

    const page = await messages.history(roomId, { limit: 10 });
    expect(page.messages.map((m) => [m.seq, m.content, m.deleted ?? false])).toEqual([
      [1, '', true],
      [2, '', true],
      [3, `stays, @${gone}`, false],
    ]);
    expect(page.messages.map((m) => m.reactions)).toEqual([
      undefined,
      undefined,
      [{ emoji: '👍', count: 1, me: false }],
    ]);
    const left = await pool.query(
      `SELECT (SELECT count(*) FROM reactions WHERE room_id = $1)::int AS reactions,
              (SELECT count(*) FROM message_mentions WHERE room_id = $1)::int AS mentions`,
      [roomId],
    );
    expect(left.rows[0]).toEqual({ reactions: 1, mentions: 0 });
    const named = await pool.query(
      'SELECT count(*)::int AS n FROM message_mentions WHERE user_id = $1',
      [gone],
    );
    expect(named.rows[0]).toEqual({ n: 0 });
    const { rows } = await pool.query(
      `SELECT room_id, actor_id, action FROM audit_log WHERE target_id = $1 ORDER BY id`,
      [gone],
    );
    expect(rows.map((r) => [r.room_id, r.actor_id, r.action])).toEqual([
      [roomId, 'ops', 'erase_user'],
      [ALL_ROOMS, 'ops', 'erase_user'],
    ]);

    // A second run finds nothing left to do.
    const again = await eraseUser(
      {
        store: erasure,
        cache: { forgetRecentMessages: async () => undefined },
        connections,
        presence,
      },
      gone,
      { actorId: 'ops', chunkRows: 1000 },
    );
    expect(again).toMatchObject({ done: true, messagesErased: 0, memberships: { left: [] } });
    expect((await connections.userStates([gone])).size).toBe(0);
    expect(await presence.statuses([gone])).toEqual([undefined]);

    let text = '';
    const out = new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    });
    const counts = await exportUser(new PostgresExportStore(pool), gone, out, {
      pageSize: 1,
      chunkRows: 2,
    });
    const doc = JSON.parse(text);
    expect(counts).toEqual({
      memberships: 0,
      messages: 2,
      reactions: 0,
      audit: doc.audit.length,
    });
    expect(doc.reactions).toEqual([]);
    expect(doc.userId).toBe(gone);
    expect(doc.messages.filter((m: { roomId: string }) => m.roomId === roomId)).toEqual([
      expect.objectContaining({ roomId, seq: 1, content: '', deleted: true }),
      expect.objectContaining({ roomId, seq: 2, content: '', deleted: true }),
    ]);
    // Their create_room, the add_members they made, the erasure records.
    expect(doc.audit.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['create_room', 'add', 'erase_user']),
    );
  });

  it('exports memberships with roles and read cursors, and messages with their state', async () => {
    const user = uid('exp');
    const { roomId } = await roomWith(3, 0, user);
    await messages.editMessage({ roomId, seq: 2, editorId: user, content: 'edited' });
    // A room of someone else's, joined before its four messages and read up to the second.
    const { roomId: read, userId: owner } = await roomWith(0, 0);
    await messages.joinRoom(read, user);
    for (const content of ['a', 'b', 'c', 'd']) {
      await messages.appendMessage({ roomId: read, userId: owner, content });
    }
    await messages.markRead(read, user, 2);
    for (const [seq, emoji] of [
      [3, '👍'],
      [1, '🎉'],
      [1, '👍'],
    ] as const) {
      await messages.react({ roomId, seq, userId: user, emoji, on: true, maxEmoji: 20 });
    }
    let text = '';
    const out = new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    });
    await exportUser(new PostgresExportStore(pool), user, out, { pageSize: 2, chunkRows: 5 });
    const doc = JSON.parse(text);
    expect(doc.memberships).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ roomId, role: 'owner', readSeq: 3 }),
        expect.objectContaining({ roomId: read, role: 'member', readSeq: 2 }),
      ]),
    );
    expect(doc.memberships).toHaveLength(2);
    const mine = doc.messages.filter((m: { roomId: string }) => m.roomId === roomId);
    expect(mine.map((m: { seq: number; content: string }) => [m.seq, m.content])).toEqual([
      [1, 'm1'],
      [2, 'edited'],
      [3, 'm3'],
    ]);
    expect(mine[1].editedAt).toEqual(expect.any(String));
    expect(mine[0]).toMatchObject({ deleted: false });
    // Their reactions, paged (pageSize 2) in (room, seq, emoji) order.
    expect(doc.reactions.map((r: { seq: number; emoji: string }) => [r.seq, r.emoji])).toEqual([
      [1, '🎉'],
      [1, '👍'],
      [3, '👍'],
    ]);
    expect(doc.reactions[0]).toMatchObject({ roomId, createdAt: expect.any(String) });
  });
});
