/**
 * Migrations 5 and on upgrade a database that ran Parley v1 (migrations 1-4) without losing
 * or changing anything it held, and what v1 stored works under v2's rules. Runs in a database
 * of its own, made and dropped here.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PostgresMessageStore } from '../../../../functions/stores/postgres/message-store.js';
import { migrate } from '../../../../functions/stores/postgres/migrate.js';
import { MIGRATIONS } from '../../../../functions/stores/postgres/migrations.js';
import { PostgresRoomStore } from '../../../../functions/stores/postgres/room-store.js';
import { uid } from '../../../support/services.js';

const name = `parley_upgrade_${uid().replace(/-/g, '_')}`.toLowerCase();
const admin = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
let pool: pg.Pool;

beforeAll(async () => {
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${name}`;
  pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
});

afterAll(async () => {
  await pool?.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.end();
});

describe('upgrading a v1 database', () => {
  it('keeps every room, member and message, and v2 rules apply to them', async () => {
    const v1 = MIGRATIONS.filter((m) => m.version <= 4);
    expect(await migrate(pool, () => {}, v1)).toEqual([1, 2, 3, 4]);
    // What v1 stored: a room made by its first joiner, a second member, a private room
    // and a ban (v1's columns), and messages through v1's send function.
    const v1Store = new PostgresMessageStore(pool);
    await pool.query(`INSERT INTO rooms (id, created_by) VALUES ('lobby', 'ann')`);
    await pool.query(`INSERT INTO room_members (room_id, user_id, role) VALUES
      ('lobby', 'ann', 'owner'), ('lobby', 'bob', 'member'), ('lobby', 'eve', 'member')`);
    await pool.query(`UPDATE room_members SET banned_at = now() WHERE user_id = 'eve'`);
    await pool.query(
      `INSERT INTO rooms (id, visibility, created_by) VALUES ('vault', 'private', 'ann')`,
    );
    await pool.query(
      `INSERT INTO room_members (room_id, user_id, role) VALUES ('vault', 'ann', 'owner')`,
    );
    for (const [user, text] of [
      ['ann', 'hello'],
      ['bob', 'hi'],
      ['ann', '中文 ok'],
    ]) {
      await pool.query('SELECT * FROM append_message($1, $2, $3, NULL, $4)', [
        'lobby',
        user,
        text,
        crypto.randomUUID(),
      ]);
    }
    const before = await pool.query(
      'SELECT room_id, seq, id, user_id, content, created_at FROM messages ORDER BY seq',
    );

    expect(await migrate(pool)).toEqual(
      MIGRATIONS.filter((m) => m.version > 4).map((m) => m.version),
    );

    const after = await pool.query(
      'SELECT room_id, seq, id, user_id, content, created_at FROM messages ORDER BY seq',
    );
    expect(after.rows).toEqual(before.rows);
    const rooms = new PostgresRoomStore(pool);
    expect(await rooms.getRoom('lobby')).toMatchObject({
      roomId: 'lobby',
      visibility: 'public',
      kind: 'room',
      encrypted: false,
      createdBy: 'ann',
      lastSeq: 3,
      slowModeSec: 0,
    });
    expect(await rooms.getMember('lobby', 'ann')).toMatchObject({ role: 'owner' });
    expect(await rooms.getMember('lobby', 'eve')).toMatchObject({ banned: true });
    // v1's ban still holds, its private room still admits only members, and the old
    // history reads as before with the next seq following on.
    await expect(v1Store.joinRoom('lobby', 'eve')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(v1Store.joinRoom('vault', 'bob')).rejects.toMatchObject({ code: 'forbidden' });
    const history = await v1Store.history('lobby', { limit: 10 });
    expect(history.messages.map((m) => [m.seq, m.userId, m.content])).toEqual([
      [1, 'ann', 'hello'],
      [2, 'bob', 'hi'],
      [3, 'ann', '中文 ok'],
    ]);
    const next = await v1Store.appendMessage({ roomId: 'lobby', userId: 'bob', content: 'v2' });
    expect(next.message.seq).toBe(4);
    // A v1 handler still running during the deploy calls the 5-argument send function.
    await pool.query('SELECT * FROM append_message($1, $2, $3, NULL, $4)', [
      'lobby',
      'ann',
      'from an old handler',
      crypto.randomUUID(),
    ]);
    expect((await v1Store.latest('lobby', 1)).lastSeq).toBe(5);
    const listed = await rooms.listRooms('bob', { limit: 10 });
    expect(listed.rooms.map((r) => [r.roomId, r.role, r.lastMessage?.content])).toEqual([
      ['lobby', 'member', 'from an old handler'],
    ]);
  });
});
