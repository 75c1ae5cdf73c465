/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
import pg from 'pg';
import { migrate } from './migrate.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is not set');
  process.exit(2);
}
const pool = new pg.Pool({ connectionString: url, max: 1 });
try {
  console.log(`migrating ${new URL(url).host}${new URL(url).pathname}`);
  const applied = await migrate(pool, (m) => console.log(m));
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'schema is up to date');
} finally {
  await pool.end();
}
