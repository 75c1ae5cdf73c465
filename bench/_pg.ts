import { randomUUID } from 'node:crypto';
import pg from 'pg';

const pool = new pg.Pool({
  connectionString: 'postgres://postgres@127.0.0.1:5432/parley_me',
  max: 2,
});
const room = `pp-${randomUUID().slice(0, 8)}`;
await pool.query(`INSERT INTO rooms (id) VALUES ($1)`, [room]);
await pool.query(
  'CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, body text NOT NULL)',
);
async function t(name: string, fn: (i: number) => Promise<unknown>, n = 1500) {
  for (let i = 0; i < 50; i++) await fn(-i - 1);
  const s: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    await fn(i);
    s.push(performance.now() - a);
  }
  s.sort((a, b) => a - b);
  console.log(name.padEnd(40), 'p50', s[n / 2]!.toFixed(3));
}
const { MESSAGE_COLUMNS } = {
  MESSAGE_COLUMNS: 'room_id, seq, id, user_id, content, client_msg_id, created_at',
};
const APPEND = `
  WITH existing AS (
    SELECT ${MESSAGE_COLUMNS} FROM messages
    WHERE room_id = $1 AND user_id = $2 AND client_msg_id = $4
  ), next AS (
    UPDATE rooms SET last_seq = last_seq + 1
    WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM existing)
    RETURNING last_seq
  ), inserted AS (
    INSERT INTO messages (room_id, seq, user_id, content, client_msg_id)
    SELECT $1, last_seq, $2, $3, $4 FROM next
    RETURNING ${MESSAGE_COLUMNS}
  )
  SELECT *, false AS duplicate FROM inserted
  UNION ALL
  SELECT *, true AS duplicate FROM existing`;
for (let round = 0; round < 2; round++) {
  await t('bare insert', () =>
    pool.query('INSERT INTO bench_floor (body) VALUES ($1)', ['x'.repeat(32)]),
  );
  await t('select 1', () => pool.query('SELECT 1'));
  await t('update rooms', () =>
    pool.query('UPDATE rooms SET last_seq = last_seq + 0 WHERE id = $1', [room]),
  );
  await t('append (current)', (i) => pool.query(APPEND, [room, 'alice', `m${i}`, randomUUID()]));
  await t('append no clientMsgId', (i) => pool.query(APPEND, [room, 'alice', `m${i}`, null]));
}
await pool.end();
