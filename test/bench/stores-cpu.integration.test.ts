/**
 * The benchmark's per-store CPU accounting (`storesCpu`), read from /proc, against the real
 * PostgreSQL and Redis: work done inside each store shows up under that store.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { storesCpu } from '../../bench/servers.js';
import { testPool, testRedis } from '../support/services.js';

const redis = testRedis();
const pool = testPool();
afterAll(async () => {
  redis.disconnect();
  await pool.end();
});

describe('storesCpu', () => {
  it('charges a busy Lua script to Redis', async () => {
    const before = storesCpu();
    await redis.eval('local x = 0 for i = 1, 20000000 do x = x + i end return 1', 0);
    const after = storesCpu();
    expect(after.redis).toBeGreaterThan(before.redis);
  });

  it('charges a busy query to PostgreSQL (its backend process)', async () => {
    await pool.query('SELECT 1'); // the backend exists before the first reading
    const before = storesCpu();
    await pool.query('SELECT count(*) FROM generate_series(1, 3000000)');
    const after = storesCpu();
    expect(after.postgres).toBeGreaterThan(before.postgres);
  });
});
