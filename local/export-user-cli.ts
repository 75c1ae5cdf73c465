/**
 * `npm run export-user -- USER [--out FILE]`: writes what the record at DATABASE_URL holds
 * about a user as JSON (functions/maintenance/export-user.ts) to FILE, else stdout; the
 * counts go to stderr, so stdout stays the document.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { ERASE_CHUNK_ROWS } from '../functions/erase-user.js';
import { exportUser } from '../functions/maintenance/export-user.js';
import { PostgresExportStore } from '../functions/stores/postgres/export-store.js';
import { openStores, parseOrExit, runCommand, userIdOrExit } from './maintenance-cli.js';

const USAGE = 'usage: npm run export-user -- USER_ID [--out FILE]   (needs DATABASE_URL)';

const { values, positionals } = parseOrExit(USAGE, {
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
});
const userId = userIdOrExit(positionals, USAGE);
const stores = openStores(process.env, USAGE);
await runCommand(async () => {
  try {
    const out = values.out ? createWriteStream(values.out) : process.stdout;
    const counts = await exportUser(new PostgresExportStore(stores.pool), userId, out, {
      pageSize: 500,
      chunkRows: ERASE_CHUNK_ROWS,
    });
    if (out !== process.stdout) {
      out.end();
      await finished(out);
    }
    console.error(
      `exported ${userId}: ${counts.memberships} membership(s), ${counts.messages} message(s), ` +
        `${counts.audit} audit entr${counts.audit === 1 ? 'y' : 'ies'}${values.out ? ` to ${values.out}` : ''}`,
    );
  } finally {
    await stores.close();
  }
});
