/**
 * `npm run purge`: runs the retention purge once against DATABASE_URL (and drops purged
 * rooms' windows in REDIS_URL), printing one line per room it purged and a total.
 */
import { purgeExpiredMessages } from '../functions/core/retention-purge.js';
import { PURGE_BATCH_SIZE } from '../functions/retention-purge.js';
import { PostgresRetentionStore } from '../functions/stores/postgres/retention-store.js';
import { NO_CACHE, NO_CACHE_NOTE, openStores, parseOrExit, runCommand } from './maintenance-cli.js';

const USAGE =
  'usage: npm run purge [-- --batch N]   (needs DATABASE_URL; REDIS_URL drops cached windows)';

const { values } = parseOrExit(USAGE, {
  batch: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
});
const batchSize = values.batch === undefined ? PURGE_BATCH_SIZE : Number(values.batch);
if (!Number.isInteger(batchSize) || batchSize < 1) {
  console.error(`--batch must be a positive integer\n${USAGE}`);
  process.exit(2);
}
const stores = openStores(process.env, USAGE);
await runCommand(async () => {
  try {
    if (!stores.cache) console.error(NO_CACHE_NOTE);
    const quiet = { info() {}, warn() {}, error() {} };
    const report = await purgeExpiredMessages(
      {
        store: new PostgresRetentionStore(stores.pool),
        cache: stores.cache ?? NO_CACHE,
        log: quiet,
      },
      { nowMs: Date.now(), batchSize },
    );
    for (const room of report.purged) {
      console.log(
        `${room.roomId}: deleted ${room.deleted}, history now starts at seq ${room.firstSeq}`,
      );
    }
    const deleted = report.purged.reduce((sum, r) => sum + r.deleted, 0);
    console.log(
      `purged ${deleted} message(s) in ${report.purged.length} of ${report.roomsChecked} room(s) with retention`,
    );
  } finally {
    await stores.close();
  }
});
