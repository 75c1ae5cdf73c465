/**
 * `npm run bench:search`: search_messages on a big record. Creates its own database
 * (`<DATABASE_URL's name>_bench`, dropped at the end), migrates it to migration 7, loads
 * 1,000,000 messages in 1,000 rooms with SQL alone (generate_series: English and Chinese
 * text of realistic lengths), then times migration 8 on it (the generated column's table
 * rewrite and the GIN build: what a deploy pays) and reports the search's p50/p99 through
 * the PostgreSQL adapter, for English and Chinese queries, over a user's 20 rooms and over
 * one room. Not part of CI; the figures go in docs/decisions/2026-12-06-search.md.
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parley), BENCH_SEARCH_ROWS
 * (default 1,000,000), BENCH_SEARCH_RUNS (timed searches per case, default 60).
 */
import pg from 'pg';
import {
  PostgresMessageStore,
  SEARCH_COLUMNS,
} from '../functions/stores/postgres/message-store.js';
import { migrate } from '../functions/stores/postgres/migrate.js';
import { MIGRATIONS } from '../functions/stores/postgres/migrations.js';
import { searchStatement } from '../functions/stores/postgres/search.js';

const ROWS = Number(process.env.BENCH_SEARCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_SEARCH_RUNS ?? 60);
const ROOMS = 1_000;
const USER_ROOMS = 20;
const SEARCHER = 'searcher';

const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley');
const benchName = `${base.pathname.slice(1) || 'parley'}_bench`;
const adminUrl = new URL(base);
adminUrl.pathname = '/postgres';
const benchUrl = new URL(base);
benchUrl.pathname = `/${benchName}`;

/** English words, commonest first: a message draws them with a skew towards the start. */
const ENGLISH = `the a to and of in is it you that for on we this with be are have not
  at but can just will so all about what if do me my get from your out up one now time
  know like think meeting today tomorrow deploy release build test review please thanks
  team project issue fix bug change update server client database query index search
  message room user chat lunch coffee weekend morning afternoon plan schedule call design
  draft document report budget customer product feature launch quarter roadmap sprint
  ticket branch merge commit pipeline latency memory cache redis postgres lambda gateway
  window mobile browser login token session error timeout retry queue worker storage
  invoice contract office travel airport flight hotel dinner birthday holiday vacation
  zebra pelican walrus heron quokka narwhal axolotl`
  .split(/\s+/)
  .filter(Boolean);

/** Chinese words (no spaces between them in a sentence), commonest first. */
const CHINESE = `我们 你 他们 今天 明天 昨天 会议 开会 北京 上海 广州 深圳 项目 问题 时间 工作
  公司 客户 产品 功能 发布 测试 版本 服务器 数据库 搜索 消息 房间 用户 午饭 咖啡 周末 上午
  下午 计划 安排 电话 设计 文档 报告 预算 季度 路线图 任务 分支 合并 提交 延迟 内存 缓存
  登录 错误 超时 重试 队列 存储 发票 合同 办公室 出差 机场 航班 酒店 晚饭 生日 假期 天气
  很好 一下 已经 可以 需要 没有 因为 所以 但是 如果 还是 就是 熊猫 长城 故宫 西湖`
  .split(/\s+/)
  .filter(Boolean);

const sqlArray = (words: string[]) => `ARRAY[${words.map((w) => `'${w}'`).join(',')}]`;

/** Picks a word: index skewed to the common end (cube of a uniform draw). */
const pick = (words: string) =>
  `(${words})[1 + floor(power(random(), 3) * array_length(${words}, 1))::int]`;

const LOAD_SQL = `
  INSERT INTO rooms (id, last_seq, created_by, created_at)
  SELECT 'bench' || r, ceil(${ROWS}::numeric / ${ROOMS}), '${SEARCHER}', now() - interval '400 days'
    FROM generate_series(0, ${ROOMS - 1}) r;
  INSERT INTO room_members (room_id, user_id, role)
  SELECT 'bench' || r, '${SEARCHER}', 'member' FROM generate_series(0, ${USER_ROOMS - 1}) r;
  INSERT INTO room_members (room_id, user_id)
  SELECT 'bench' || r, 'user' || u FROM generate_series(0, ${ROOMS - 1}) r,
         generate_series(0, 9) u;
  INSERT INTO messages (room_id, seq, id, user_id, content, created_at)
  SELECT 'bench' || (i % ${ROOMS}), i / ${ROOMS} + 1, gen_random_uuid(), 'user' || (i % 10),
         CASE WHEN i % 10 < 7
           -- English: 4 to 40 words, a sentence or two.
           THEN (SELECT string_agg(${pick('e.w')}, ' ')
                   FROM generate_series(1, 4 + (i::bigint * 7919) % 37), (SELECT ${sqlArray(ENGLISH)} AS w) e)
           -- Chinese: 3 to 20 words without spaces, a comma now and then.
           ELSE (SELECT string_agg(${pick('c.w')} || CASE WHEN random() < 0.15 THEN '，' ELSE '' END, '')
                   FROM generate_series(1, 3 + (i::bigint * 104729) % 18), (SELECT ${sqlArray(CHINESE)} AS w) c)
         END,
         now() - (${ROWS} - i) * interval '20 seconds'
    FROM generate_series(0, ${ROWS - 1}) i;
`;

interface Case {
  name: string;
  queries: string[];
  roomId?: string;
}

const CASES: Case[] = [
  { name: 'English, rare word, 20 rooms', queries: ['quokka', 'narwhal', 'axolotl', 'walrus'] },
  { name: 'English, common word, 20 rooms', queries: ['meeting', 'deploy', 'server', 'coffee'] },
  { name: 'English, two words, 20 rooms', queries: ['deploy server', 'lunch tomorrow'] },
  { name: 'English, phrase, 20 rooms', queries: ['"search index"', '"coffee morning"'] },
  { name: 'Chinese, word, 20 rooms', queries: ['北京', '会议', '数据库', '熊猫'] },
  { name: 'Chinese, phrase, 20 rooms', queries: ['北京开会', '明天上海', '服务器延迟'] },
  { name: 'Chinese, one character, 20 rooms', queries: ['猫', '京', '库'] },
  { name: 'English, common word, one room', queries: ['meeting', 'deploy'], roomId: 'bench3' },
  // Rooms whose number ends in 7, 8 or 9 get the Chinese messages (i % 10 >= 7).
  { name: 'Chinese, word, one room', queries: ['北京', '会议'], roomId: 'bench7' },
];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchName}`);
  await admin.query(`CREATE DATABASE ${benchName}`);
  const pool = new pg.Pool({ connectionString: benchUrl.toString(), max: 4 });
  try {
    const t0 = performance.now();
    await migrate(
      pool,
      () => {},
      MIGRATIONS.filter((m) => m.version < 8),
    );
    console.log(`loading ${ROWS.toLocaleString()} messages in ${ROOMS} rooms...`);
    await pool.query(LOAD_SQL);
    await pool.query('VACUUM ANALYZE messages');
    const t1 = performance.now();
    const { rows: size } = await pool.query<{ table: string }>(
      "SELECT pg_size_pretty(pg_table_size('messages')) AS table",
    );
    console.log(`loaded in ${((t1 - t0) / 1000).toFixed(1)} s; messages ${size[0]?.table}`);

    await migrate(pool);
    const t2 = performance.now();
    const { rows: after } = await pool.query<{ table: string; index: string }>(
      `SELECT pg_size_pretty(pg_table_size('messages')) AS table,
              pg_size_pretty(pg_relation_size('messages_search')) AS index`,
    );
    console.log(
      `migration 8 (rewrite + GIN build): ${((t2 - t1) / 1000).toFixed(1)} s; ` +
        `messages ${after[0]?.table}, messages_search ${after[0]?.index}`,
    );
    await pool.query('ANALYZE messages');

    const store = new PostgresMessageStore(pool);
    console.log(`\n| case | p50 ms | p99 ms | results/page (mean) |\n| --- | --- | --- | --- |`);
    for (const c of CASES) {
      const times: number[] = [];
      let found = 0;
      // One untimed round warms the cache, as a running database is warm.
      for (let i = -c.queries.length; i < RUNS; i++) {
        const text = c.queries[((i % c.queries.length) + c.queries.length) % c.queries.length]!;
        const start = performance.now();
        const page = await store.search({
          userId: SEARCHER,
          text,
          limit: 20,
          ...(c.roomId ? { roomId: c.roomId } : {}),
        });
        if (i >= 0) {
          times.push(performance.now() - start);
          found += page.hits.length;
        }
      }
      times.sort((a, b) => a - b);
      console.log(
        `| ${c.name} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 99).toFixed(1)} | ${(found / RUNS).toFixed(1)} |`,
      );
    }
    const { text, values } = searchStatement(SEARCH_COLUMNS, {
      userId: SEARCHER,
      text: 'deploy',
      limit: 20,
    });
    const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${text}`,
      values,
    );
    console.log(`\nplan of 'deploy' in 20 rooms:\n${plan.map((r) => r['QUERY PLAN']).join('\n')}`);
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${benchName}`);
    await admin.end();
  }
}

await main();
