/**
 * `npm run erase-user -- USER [--actor ID]`: erases a user from the record at DATABASE_URL
 * (functions/maintenance/erase-user.ts), drops the affected rooms' windows and the user's
 * cached status in REDIS_URL, deletes their status item from the connections table
 * (DYNAMODB_ENDPOINT or CONNECTIONS_TABLE), and their messages' attachments from the
 * bucket (S3_BUCKET, with S3_ENDPOINT for an S3-compatible server such as the dev
 * server's local S3, which `npm run dev` starts on PORT+2 without writing it anywhere).
 */

import { ERASE_CHUNK_ROWS } from '../functions/erase-user.js';
import { eraseUser } from '../functions/maintenance/erase-user.js';
import { readFilesConfig } from '../functions/runtime/config.js';
import { createFileStore } from '../functions/runtime/files.js';
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
import { LOCAL_BUCKET } from './s3/local-files.js';

const USAGE =
  'usage: npm run erase-user -- USER_ID [--actor OPERATOR_ID]   (needs DATABASE_URL; REDIS_URL ' +
  'drops what is cached; DYNAMODB_ENDPOINT or CONNECTIONS_TABLE erases the status item; ' +
  'S3_BUCKET [S3_ENDPOINT] deletes their files)';

/**
 * Without a bucket the objects stay, and a later run cannot find them: the tombstones no
 * longer name their attachments. Said before the run, so it can be stopped.
 */
const NO_FILES_NOTE =
  'note: S3_BUCKET is not set, so the files attached to their messages are NOT deleted ' +
  '(and a later run will not find them). With `npm run dev`, its local S3 is on PORT+2: ' +
  `S3_ENDPOINT=http://127.0.0.1:3003 S3_BUCKET=${LOCAL_BUCKET}`;

const { values, positionals } = parseOrExit(USAGE, {
  actor: { type: 'string', default: 'operator' },
  help: { type: 'boolean', short: 'h' },
});
const userId = userIdOrExit(positionals, USAGE);
const stores = openStores(process.env, USAGE);
const files = process.env.S3_BUCKET ? createFileStore(readFilesConfig(process.env)) : undefined;
await runCommand(async () => {
  try {
    if (!stores.cache) console.error(NO_CACHE_NOTE);
    if (!stores.connections) console.error(noUserStateNote(userId));
    if (files)
      console.error(`files: bucket ${process.env.S3_BUCKET} at ${process.env.S3_ENDPOINT ?? 'S3'}`);
    else console.error(NO_FILES_NOTE);
    const report = await eraseUser(
      {
        store: new PostgresErasureStore(stores.pool),
        cache: stores.cache ?? NO_CACHE,
        connections: stores.connections ?? NO_USER_STATE,
        presence: stores.presence ?? NO_PRESENCE,
        ...(files ? { files } : {}),
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
    console.log(
      files
        ? `deleted ${report.objectsDeleted} object(s) of ${report.attachmentsErased} attachment(s)`
        : `kept the objects of ${report.attachmentsErased} attachment(s): no S3_BUCKET`,
    );
  } finally {
    await stores.close();
  }
});
