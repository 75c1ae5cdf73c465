/**
 * What only PostgreSQL's search shows (the contract in message-store-search.contract.ts
 * holds for every store): ranking, stemming and websearch syntax, ts_headline's marks, the
 * CJK tokens of migration 8, a retention purge, the cursor's size, and a plan that uses the
 * GIN index on a table the planner has statistics for.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  HIGHLIGHT_END as E,
  HIGHLIGHT_START as S,
  SEARCH_CURSOR_MAX_CHARS,
} from '../../../../functions/core/search-frames.js';
import { CJK_PUNCTUATION, CJK_RUN } from '../../../../functions/core/search-highlight.js';
import {
  PostgresMessageStore,
  SEARCH_COLUMNS,
} from '../../../../functions/stores/postgres/message-store.js';
import { migrate } from '../../../../functions/stores/postgres/migrate.js';
import { CJK_PUNCTUATION_CHARS } from '../../../../functions/stores/postgres/migrations.js';
import { PostgresRetentionStore } from '../../../../functions/stores/postgres/retention-store.js';
import { searchStatement, websearchText } from '../../../../functions/stores/postgres/search.js';
import { testPool, uid } from '../../../support/services.js';

let pool: pg.Pool;
let store: PostgresMessageStore;
const made: string[] = [];

beforeAll(() => {
  pool = testPool();
  store = new PostgresMessageStore(pool);
});
afterAll(async () => {
  // Only the rooms made here (their messages go with them).
  await pool.query('DELETE FROM rooms WHERE id = ANY($1)', [made]);
  await pool.end();
});

async function room(userId: string, roomId = uid()): Promise<string> {
  made.push(roomId);
  await store.joinRoom(roomId, userId);
  return roomId;
}
const send = (roomId: string, userId: string, content: string) =>
  store.appendMessage({ roomId, userId, content });
const found = async (userId: string, text: string) =>
  (await store.search({ userId, text, limit: 50 })).hits.map((h) => h.message.content);

describe('PostgreSQL search', () => {
  it('ranks denser matches first, stems English words and reads websearch syntax', async () => {
    const alice = uid('u');
    const r = await room(alice);
    await send(r, alice, 'Deploy notes: the deploy failed, then the second deploy worked');
    await send(r, alice, 'we talked about lunch, travel, a deploy, and many other things today');
    await send(r, alice, 'Deploying tomorrow morning');
    await send(r, alice, 'lunch on friday');
    expect(await found(alice, 'deploy')).toEqual([
      'Deploy notes: the deploy failed, then the second deploy worked',
      'Deploying tomorrow morning',
      'we talked about lunch, travel, a deploy, and many other things today',
    ]);
    expect(await found(alice, 'deploy -lunch')).not.toContain(
      'we talked about lunch, travel, a deploy, and many other things today',
    );
    expect((await found(alice, 'friday or tomorrow')).sort()).toEqual([
      'Deploying tomorrow morning',
      'lunch on friday',
    ]);
    expect(await found(alice, '"deploy failed"')).toEqual([
      'Deploy notes: the deploy failed, then the second deploy worked',
    ]);
    // Only stop words: no lexeme, no match (not an error).
    expect(await found(alice, 'the')).toEqual([]);
  });

  it('marks matched words with ts_headline, as written in the message', async () => {
    const alice = uid('u');
    const r = await room(alice);
    await send(r, alice, 'Meetings moved: the meeting is at noon');
    const [hit] = (await store.search({ userId: alice, text: 'meeting', limit: 5 })).hits;
    expect(hit?.highlight).toBe(`${S}Meetings${E} moved: the ${S}meeting${E} is at noon`);
  });

  it('keeps short words at the ends of a highlight (ShortWord=0)', async () => {
    const alice = uid('u');
    const r = await room(alice);
    await send(r, alice, 'ok deploy early at 1');
    const [hit] = (await store.search({ userId: alice, text: 'deploy', limit: 5 })).hits;
    expect(hit?.highlight).toBe(`ok ${S}deploy${E} early at 1`);
  });

  it('indexes CJK runs as bigrams and their last character, the rest as English', async () => {
    const { rows } = await pool.query<{ v: string }>(
      "SELECT parley_search_vector('We meet 我们在北京开会。') AS v",
    );
    expect(rows[0]?.v.split(' ').sort()).toEqual(
      [
        "'meet':2",
        "'我们':3",
        "'们在':4",
        "'在北':5",
        "'北京':6",
        "'京开':7",
        "'开会':8",
        "'会':9",
      ].sort(),
    );
    const { rows: query } = await pool.query<{ q: string }>(
      "SELECT websearch_to_tsquery('english', $1)::text AS q",
      [websearchText('北京开会 "会议 北京" -上海 京 x')],
    );
    expect(query[0]?.q).toBe(
      "'北京' <-> '京开' <-> '开会' & '会议' <-> '北京' & !'上海' & '京' & 'x'",
    );
  });

  it("reads the same CJK punctuation as spaces as the core's CJK_PUNCTUATION", async () => {
    const edges = [
      0x2fff, 0x3000, 0x3002, 0x303f, 0x3040, 0xff00, 0xff01, 0xff0f, 0xff10, 0xff19, 0xff1a,
      0xff20, 0xff21, 0xff3a, 0xff3b, 0xff40, 0xff41, 0xff5a, 0xff5b, 0xff65, 0xff66,
    ].map((code) => String.fromCodePoint(code));
    const { rows } = await pool.query<{ punctuation: boolean }>(
      `SELECT c ~ '[${CJK_PUNCTUATION_CHARS}]' AS punctuation FROM unnest($1::text[]) WITH ORDINALITY AS t(c, n) ORDER BY n`,
      [edges],
    );
    expect(rows.map((r) => r.punctuation)).toEqual(
      edges.map((c) => new RegExp(CJK_PUNCTUATION.source, 'u').test(c)),
    );
    // Under any locale (the embedded server's is C, where `。` would be a letter).
    const vector = await pool.query<{ v: string }>(
      "SELECT parley_search_vector('会议，明天。OK！') AS v",
    );
    expect(vector.rows[0]?.v).not.toMatch(/[，。！]/u);
  });

  it("splits the same characters as the core's CJK_RUN (migration 8's class)", async () => {
    const edges = [
      0x303f, 0x3040, 0x30ff, 0x3100, 0x33ff, 0x3400, 0x4dbf, 0x4dc0, 0x4e00, 0x9fff, 0xa000,
      0xabff, 0xac00, 0xd7af, 0xd7b0, 0xf8ff, 0xf900, 0xfaff, 0xfb00, 0x1ffff, 0x20000, 0x3134f,
      0x31350,
    ].map((code) => String.fromCodePoint(code));
    const { rows } = await pool.query<{ split: boolean }>(
      "SELECT parley_search_text('a' || c || 'b') <> 'a' || c || 'b' AS split FROM unnest($1::text[]) WITH ORDINALITY AS t(c, n) ORDER BY n",
      [edges],
    );
    expect(rows.map((r) => r.split)).toEqual(
      edges.map((c) => new RegExp(CJK_RUN.source, 'u').test(c)),
    );
  });

  it('finds mixed English and Chinese, and Japanese and Korean text', async () => {
    const alice = uid('u');
    const r = await room(alice);
    await send(r, alice, 'Release 发布 tomorrow in 北京');
    await send(r, alice, '東京で会議があります');
    await send(r, alice, '서울에서 만나요');
    expect(await found(alice, 'release 北京')).toEqual(['Release 发布 tomorrow in 北京']);
    expect(await found(alice, 'releases -北京')).toEqual([]);
    expect(await found(alice, '会議')).toEqual(['東京で会議があります']);
    expect(await found(alice, '서울')).toEqual(['서울에서 만나요']);
  });

  it('never finds what a retention purge removed', async () => {
    const alice = uid('u');
    const r = await room(alice);
    await send(r, alice, 'old puffin');
    await send(r, alice, 'new puffin');
    await new PostgresRetentionStore(pool).purgeBelow(r, 2);
    expect(await found(alice, 'puffin')).toEqual(['new puffin']);
  });

  it('gives cursors within the frame’s limit, even for the longest room id', async () => {
    const alice = uid('u');
    const r = await room(alice, `${uid('r')}${'x'.repeat(64)}`.slice(0, 64));
    for (let i = 0; i < 3; i++) await send(r, alice, `kestrel ${'\u0001'.repeat(i)}`);
    const page = await store.search({ userId: alice, text: 'kestrel', roomId: r, limit: 1 });
    expect(page.cursor?.length).toBeLessThanOrEqual(SEARCH_CURSOR_MAX_CHARS);
  });

  it('uses the GIN index for a rare word, on a realistic table the planner has statistics for', async () => {
    // A schema of its own, so the planner's statistics are of this table alone (the run's
    // is full of tiny rooms): 20 rooms of 5,000 messages (alice in 5), one with a rare word,
    // then
    // ANALYZE. The planner chooses by its estimates; nothing is forced.
    const schema = `search_plan_${uid('s').slice(2).replace(/-/g, '_')}`;
    await pool.query(`CREATE SCHEMA ${schema}`);
    const scoped = new pg.Pool({
      connectionString: inject('databaseUrl'),
      max: 2,
      options: `-c search_path=${schema},public`,
    });
    try {
      await migrate(scoped);
      await scoped.query(`
        INSERT INTO rooms (id, last_seq) SELECT 'room' || r, 5000 FROM generate_series(0, 19) r;
        INSERT INTO room_members (room_id, user_id)
        SELECT 'room' || r, 'alice' FROM generate_series(0, 4) r;
        INSERT INTO messages (room_id, seq, user_id, content)
        SELECT 'room' || (i % 20), i / 20 + 1, 'bob',
               -- 8 to 23 words of a vocabulary of 5,000, the common ones far more often.
               (SELECT string_agg('w' || floor(power(random(), 3) * 5000)::int, ' ')
                  FROM generate_series(1, 8 + i % 16))
               || CASE WHEN i = 4242 THEN ' and a wombat' ELSE '' END
          FROM generate_series(0, 99999) i;
        ANALYZE;`);
      for (const roomId of [undefined, 'room2']) {
        const { text, values } = searchStatement(SEARCH_COLUMNS, {
          userId: 'alice',
          text: 'wombat',
          limit: 20,
          ...(roomId ? { roomId } : {}),
        });
        const { rows } = await scoped.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
        const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
        expect(plan).toMatch(/Bitmap Index Scan on messages_search/);
      }
      const hits = await new PostgresMessageStore(scoped).search({
        userId: 'alice',
        text: 'wombat',
        limit: 20,
      });
      expect(hits.hits.map((h) => h.message.content)).toEqual([
        expect.stringMatching(/ and a wombat$/),
      ]);
    } finally {
      await scoped.end();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});
