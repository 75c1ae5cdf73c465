import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../functions/stores/postgres/migrate.js';
import { startEmbeddedPostgres } from '../../local/embedded/postgres.js';
import { testPool } from '../support/services.js';
import { messageStoreContract } from './message-store.contract.js';

messageStoreContract('PostgreSQL (DATABASE_URL)', async () => {
  const pool = testPool();
  return [pool, () => pool.end()];
});

// The dev server's embedded PostgreSQL must behave the same as the real one.
messageStoreContract('embedded PostgreSQL (dev)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-contract-pg-'));
  const embedded = await startEmbeddedPostgres({ dataDir: dir, log: () => {} });
  const pool = new pg.Pool({ connectionString: embedded.url, max: 10 });
  await migrate(pool);
  return [
    pool,
    async () => {
      await pool.end();
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  ];
});
