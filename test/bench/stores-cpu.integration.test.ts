/**
 * The benchmark's per-store CPU accounting (`storesCpu`), read from /proc, against the real
 * PostgreSQL and Redis: work done inside each store shows up under that store, whatever
 * other store processes exit meanwhile.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { storesCpu, storesCpuBetween } from '../../bench/servers.js';
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
    expect(storesCpuBetween(before, storesCpu()).redis).toBeGreaterThan(0);
  });

  it('charges a busy query to PostgreSQL (its backend process)', async () => {
    await pool.query('SELECT 1'); // the backend exists before the first reading
    const before = storesCpu();
    await pool.query('SELECT count(*) FROM generate_series(1, 3000000)');
    // Other files' backends (and whole servers) exit meanwhile on a shared machine: their
    // totals leaving /proc must not count against this one's work.
    expect(storesCpuBetween(before, storesCpu()).postgres).toBeGreaterThan(0);
  });
});
