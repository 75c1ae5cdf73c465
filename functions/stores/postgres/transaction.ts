/** Runs statements as one transaction: all of them commit, or none does. */
import type { Pool, PoolClient } from 'pg';
import { guarded } from './errors.js';

export async function inTransaction<T>(
  pool: Pool,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  return guarded(async () => {
    const client = await pool.connect();
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A failed ROLLBACK means the connection is unusable: release it as broken so the
      // pool does not hand it to the next request mid-transaction.
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  });
}
