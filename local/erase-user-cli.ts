/**
 * `npm run erase-user -- USER [--actor ID]`: erases a user from the record at DATABASE_URL
 * (functions/maintenance/erase-user.ts) and drops the affected rooms' windows in REDIS_URL.
 */

import { ERASE_CHUNK_ROWS } from '../functions/erase-user.js';
import { eraseUser } from '../functions/maintenance/erase-user.js';
import { PostgresErasureStore } from '../functions/stores/postgres/erasure-store.js';
import {
  NO_CACHE,
  NO_CACHE_NOTE,
  openStores,
  parseOrExit,
  runCommand,
  userIdOrExit,
} from './maintenance-cli.js';

const USAGE =
  'usage: npm run erase-user -- USER_ID [--actor OPERATOR_ID]   (needs DATABASE_URL; REDIS_URL drops cached windows)';

const { values, positionals } = parseOrExit(USAGE, {
  actor: { type: 'string', default: 'operator' },
  help: { type: 'boolean', short: 'h' },
});
const userId = userIdOrExit(positionals, USAGE);
const stores = openStores(process.env, USAGE);
await runCommand(async () => {
  try {
    if (!stores.cache) console.error(NO_CACHE_NOTE);
    const report = await eraseUser(
      { store: new PostgresErasureStore(stores.pool), cache: stores.cache ?? NO_CACHE },
      userId,
      { actorId: values.actor, chunkRows: ERASE_CHUNK_ROWS },
    );
    for (const { roomId, to } of report.memberships.handedOver) {
      console.log(to ? `${roomId}: ownership handed to ${to}` : `${roomId}: left without an owner`);
    }
    console.log(
      `erased ${userId}: left ${report.memberships.left.length} room(s), ` +
        `${report.messagesErased} message(s) made tombstones in ${report.rooms.length} room(s)`,
    );
  } finally {
    await stores.close();
  }
});
