/**
 * An embedded DynamoDB-compatible server for `npm run dev`, built on dynalite (LevelDB on disk via
 * `level`, or `memory-level` in memory). Nothing has to be installed on the machine.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

import { StartupError } from '../startup-error.js';
import { closeLevelIteratorsOnReturn } from './level-iterator-return.js';

interface DynaliteOptions {
  /** LevelDB directory; in memory when absent. dynalite 4 passes it to `new Level(path)`. */
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

type Dynalite = (options: DynaliteOptions) => Server;

interface LevelDb {
  open(): Promise<void>;
  close(): Promise<void>;
}

// dynalite is CommonJS without type declarations; `level` is its own dependency.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as Dynalite;
const { Level } = createRequire(require.resolve('dynalite'))('level') as {
  Level: new (location: string) => LevelDb;
};

/**
 * dynalite opens its level db lazily and does not handle a failed open (another process holding
 * the LOCK, a corrupt directory): requests hang and an iterator error is thrown uncaught later.
 * So open and close the directory once here, where a failure can be reported properly.
 */
async function checkLevelDir(dataDir: string): Promise<void> {
  const db = new Level(dataDir);
  try {
    await db.open();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new StartupError(
        `embedded DynamoDB cannot open ${dataDir}: another dev server (or process) holds its lock`,
        'stop the other dev server using this DATA_DIR, or choose another DATA_DIR',
        { cause: err },
      );
    }
    throw new StartupError(
      `embedded DynamoDB cannot open ${dataDir}: ${String(cause ?? err)}`,
      `move ${dataDir} away to start over (connections are rebuilt on reconnect)`,
      { cause: err },
    );
  }
  await db.close();
}

export interface EmbeddedDynamo {
  /** e.g. `http://127.0.0.1:41234`, for `new DynamoDBClient({ endpoint })`. */
  endpoint: string;
  stop(): Promise<void>;
}

export async function startEmbeddedDynamo(opts: {
  dataDir?: string;
  log: (msg: string) => void;
  /** Listen here (a restart keeps its clients' endpoint); default: a port the kernel picks. */
  port?: number;
}): Promise<EmbeddedDynamo> {
  const started = Date.now();
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : undefined;
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    await checkLevelDir(dataDir);
  }

  // Before the first Query: without it every Query and Scan leaves its iterator open.
  closeLevelIteratorsOnReturn();
  const server = dynalite({
    ...(dataDir ? { path: dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });

  // Port 0: the kernel picks a free port, so there is no race with other processes.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve, reject) => {
      // dynalite's close() stops the HTTP server, then waits for pending operations and closes
      // the level db, which releases its LOCK file so a restart on the same directory works.
      server.close((err?: Error) => (err ? reject(err) : resolve()));
      // Keep-alive sockets from SDK clients would otherwise hold close() open.
      server.closeIdleConnections();
    });
    return stopping;
  };

  // One round trip, so that a server that cannot serve fails here rather than on first use.
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  try {
    await client.send(new ListTablesCommand({}), { abortSignal: AbortSignal.timeout(10_000) });
  } catch (err) {
    await stop().catch(() => undefined);
    const where = dataDir ? ` (data in ${dataDir})` : '';
    throw new Error(`embedded DynamoDB failed its start-up check${where}: ${String(err)}`, {
      cause: err,
    });
  } finally {
    client.destroy();
  }

  opts.log(
    `embedded DynamoDB (dynalite) ready at ${endpoint}, ${dataDir ? `data in ${dataDir}` : 'in memory'} (${Date.now() - started} ms)`,
  );
  return { endpoint, stop };
}
