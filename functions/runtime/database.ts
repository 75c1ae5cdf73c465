/**
 * The pg pool's connection settings: `DATABASE_URL` as it is (local, tests, CI), else the
 * RDS-generated secret named by `DB_SECRET_ARN` (`username`, `password`, `host`, `port`,
 * `dbname`), reached through RDS Proxy (`DB_HOST`) over TLS.
 */
import type pg from 'pg';
import { ReauthenticatingPool } from '../stores/postgres/pool.js';
import type { DatabaseConfig } from './config.js';
import { readJsonSecret, secretField } from './secrets.js';

/** Connection settings only; the caller adds pool sizing and timeouts. */
export type PostgresConnection = Pick<
  pg.PoolConfig,
  'connectionString' | 'host' | 'port' | 'database' | 'user' | 'password' | 'ssl'
>;

export async function postgresConnection(config: DatabaseConfig): Promise<PostgresConnection> {
  if (config.DATABASE_URL) return { connectionString: config.DATABASE_URL };
  const arn = config.DB_SECRET_ARN;
  if (!arn) throw new Error('Invalid configuration: DATABASE_URL or DB_SECRET_ARN is required');
  const secret = await readJsonSecret(arn);
  const user = secretField(secret, 'username', arn, true);
  const host = config.DB_HOST ?? secretField(secret, 'host', arn);
  if (!host) throw new Error(`Set DB_HOST, or a "host" in secret ${arn}`);
  const port = config.DB_PORT ?? Number(secretField(secret, 'port', arn) ?? 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(`secret ${arn} has an invalid "port"`);
  }
  secretField(secret, 'password', arn, true);
  return {
    host,
    port,
    database: config.DB_NAME ?? secretField(secret, 'dbname', arn) ?? 'parley',
    user,
    // Read for every new connection through the secrets cache, so a rotated password is
    // picked up within the cache's lifetime without restarting the container, and at once
    // when the server refuses the cached one (`refreshCredentials`).
    password: async () => secretField(await readJsonSecret(arn), 'password', arn, true),
    // TLS, verified. RDS Proxy presents an ACM (Amazon Trust Services) certificate, which
    // Node trusts by default, so no CA bundle is needed. Connecting straight to an RDS
    // instance instead (no DB_HOST and the secret's own host) would need the RDS CA
    // bundle in NODE_EXTRA_CA_CERTS.
    ssl: { rejectUnauthorized: true },
  };
}

/**
 * Re-reads the database secret past the secrets cache, so that the connection's `password`
 * function returns what Secrets Manager holds now. Undefined with `DATABASE_URL`. The user
 * name is not re-read: the stack rotates a single user (addRotationSingleUser), whose name
 * never changes.
 */
export function refreshCredentials(config: DatabaseConfig): (() => Promise<void>) | undefined {
  const arn = config.DATABASE_URL ? undefined : config.DB_SECRET_ARN;
  if (!arn) return undefined;
  return async () => {
    await readJsonSecret(arn, { fresh: true });
  };
}

/**
 * A pool over `connection` that follows a rotated password (see ReauthenticatingPool). The
 * handlers pass `POSTGRES_DEADLINES`; migrate-on-deploy, whose statements run longer, its own.
 */
export function createPostgresPool(
  config: DatabaseConfig,
  connection: PostgresConnection,
  sizing: Pick<
    pg.PoolConfig,
    'max' | 'connectionTimeoutMillis' | 'idleTimeoutMillis' | 'query_timeout' | 'statement_timeout'
  >,
): pg.Pool {
  return new ReauthenticatingPool({ ...connection, ...sizing }, refreshCredentials(config));
}
