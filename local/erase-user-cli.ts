/**
 * `npm run erase-user -- USER [--actor ID]`: erases a user from the record at DATABASE_URL
 * (functions/maintenance/erase-user.ts), drops the affected rooms' windows and the user's
 * cached status in REDIS_URL, and deletes their status item from the connections table
 * (DYNAMODB_ENDPOINT or CONNECTIONS_TABLE).
 */

import { ERASE_CHUNK_ROWS } from '../functions/erase-user.js';
import { eraseUser } from '../functions/maintenance/erase-user.js';
import { PostgresErasureStore } from '../functions/stores/postgres/erasure-store.js';
import {
  NO_CACHE,
  NO_CACHE_NOTE,
  NO_PRESENCE,
  NO_USER_STATE,
  noUserStateNote,
  openStores,
  parseOrExit,
  runCommand,
  userIdOrExit,
} from './maintenance-cli.js';

const USAGE =
  'usage: npm run erase-user -- USER_ID [--actor OPERATOR_ID]   (needs DATABASE_URL; REDIS_URL ' +
  'drops what is cached; DYNAMODB_ENDPOINT or CONNECTIONS_TABLE erases the status item)';

const { values, positionals } = parseOrExit(USAGE, {
  actor: { type: 'string', default: 'operator' },
  help: { type: 'boolean', short: 'h' },
});
const userId = userIdOrExit(positionals, USAGE);
const stores = openStores(process.env, USAGE);
await runCommand(async () => {
  try {
    if (!stores.cache) console.error(NO_CACHE_NOTE);
    if (!stores.connections) console.error(noUserStateNote(userId));
    const report = await eraseUser(
      {
        store: new PostgresErasureStore(stores.pool),
        cache: stores.cache ?? NO_CACHE,
        connections: stores.connections ?? NO_USER_STATE,
        presence: stores.presence ?? NO_PRESENCE,
      },
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
