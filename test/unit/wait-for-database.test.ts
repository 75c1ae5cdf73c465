/** The deploy-time migration waits for RDS Proxy to come up instead of failing the deploy. */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { waitForDatabase } from '../../functions/migrate-on-deploy.js';

function poolFailing(times: number) {
  let calls = 0;
  const pool = {
    query: async () => {
      calls++;
      if (calls <= times) throw new Error('connect ETIMEDOUT');
      return { rows: [] };
    },
  } as unknown as pg.Pool;
  return { pool, calls: () => calls };
}

describe('waitForDatabase', () => {
  it('retries until the database answers', async () => {
    const { pool, calls } = poolFailing(2);
    await waitForDatabase(pool, { attempts: 5, delayMs: 0 });
    expect(calls()).toBe(3);
  });

  it('gives up after the last attempt with the last error', async () => {
    const { pool, calls } = poolFailing(10);
    await expect(waitForDatabase(pool, { attempts: 3, delayMs: 0 })).rejects.toThrow('ETIMEDOUT');
    expect(calls()).toBe(3);
  });
});
