/**
 * What the maintenance commands (`npm run purge`, `erase-user`, `export-user`) share:
 * parsing with a usage line (a usage error exits 2), the record at DATABASE_URL, the
 * cache at REDIS_URL, the connections table (DYNAMODB_ENDPOINT / CONNECTIONS_TABLE), and a
 * failure reported as one line (exit 1).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { ConnectionStore, PresenceCache, RoomCache } from '../functions/core/ports.js';
import { readConnectionsConfig } from '../functions/runtime/config.js';
import { createConnections } from '../functions/runtime/connections.js';
import { RedisPresenceCache } from '../functions/stores/redis/presence-cache.js';
import { RedisRoomCache } from '../functions/stores/redis/room-cache.js';

export function parseOrExit<O extends NonNullable<ParseArgsConfig['options']>>(
  usage: string,
  options: O,
) {
  let parsed: ReturnType<typeof parseArgs<{ allowPositionals: true; options: O }>>;
  try {
    parsed = parseArgs({ allowPositionals: true, options });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}

/** The one positional, a user id; anything else is a usage error. */
export function userIdOrExit(positionals: readonly string[], usage: string): string {
  const [userId, ...rest] = positionals;
  if (!userId || rest.length > 0) {
    console.error(usage);
    process.exit(2);
  }
  return userId;
}

export interface Stores {
  pool: pg.Pool;
  /** Undefined without REDIS_URL: there is no cache this process can reach. */
  cache: Pick<RoomCache, 'forgetRecentMessages'> | undefined;
  /** Undefined without REDIS_URL, as `cache`. */
  presence: Pick<PresenceCache, 'forgetStatus'> | undefined;
  /**
   * The connections table, when DYNAMODB_ENDPOINT (a local server) or CONNECTIONS_TABLE
   * (AWS, with the usual credentials and AWS_REGION) says where it is; else undefined.
   */
  connections: Pick<ConnectionStore, 'forgetUserState'> | undefined;
  close(): Promise<void>;
}

export function openStores(env: NodeJS.ProcessEnv, usage: string): Stores {
  const url = env.DATABASE_URL;
  if (!url) {
    console.error(`DATABASE_URL is not set\n${usage}`);
    process.exit(2);
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1 }) : undefined;
  const keyPrefix = env.REDIS_KEY_PREFIX ?? '';
  // Made only when asked for: the table has a default name, but guessing it would reach an
  // AWS account's table (or fail on missing credentials) from a developer's machine.
  const connections =
    env.DYNAMODB_ENDPOINT || env.CONNECTIONS_TABLE
      ? createConnections(readConnectionsConfig(env))
      : undefined;
  return {
    pool,
    cache: redis && new RedisRoomCache(redis, { keyPrefix }),
    presence: redis && new RedisPresenceCache(redis, { keyPrefix }),
    connections: connections?.store,
    async close() {
      await pool.end();
      redis?.disconnect();
      connections?.close();
    },
  };
}

/** Without REDIS_URL, nothing to drop: say so, since a running server's cache may hold it. */
export const NO_CACHE: Pick<RoomCache, 'forgetRecentMessages'> = {
  forgetRecentMessages: async () => undefined,
};

export const NO_CACHE_NOTE =
  'note: REDIS_URL is not set, so nothing cached was dropped (a dev server with its ' +
  'in-process cache keeps serving what it holds until it restarts)';

/** Without the connections table, the user's status item stays: say so, and how to end it. */
export const NO_USER_STATE: Pick<ConnectionStore, 'forgetUserState'> = {
  forgetUserState: async () => undefined,
};

export const noUserStateNote = (userId: string) =>
  'note: neither DYNAMODB_ENDPOINT nor CONNECTIONS_TABLE is set, so the status item ' +
  `(status, text, lastSeen) was not erased: run again with one of them set, or delete ` +
  `the connections table item pk "user#${userId}", sk "state" by hand`;

/** Without REDIS_URL, no cached status to drop (a Redis one expires within 24 hours). */
export const NO_PRESENCE: Pick<PresenceCache, 'forgetStatus'> = {
  forgetStatus: async () => undefined,
};

/** Runs the command; any failure is one line on stderr and exit 1. */
export async function runCommand(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
