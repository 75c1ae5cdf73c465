/**
 * A rotated database password is picked up on the first auth failure: against a real
 * PostgreSQL, with a role of the test's own whose password the test changes as Secrets
 * Manager's rotation does, while the runtime's pool still holds the old one in its
 * secrets cache. Secrets Manager is mocked, as in test/functions/runtime/secrets.test.ts.
 *
 * The suite's PostgreSQL is used when it checks passwords. CI's trusts every login from
 * 127.0.0.1 (pg_hba `trust`), where a changed password would prove nothing, so there the
 * test starts a PostgreSQL of its own (the embedded one the dev server uses, which checks
 * scram-sha-256 passwords) in a temporary directory, rather than edit a shared server's
 * pg_hba.conf.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clearCaches } from '@aws-lambda-powertools/parameters';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { toClientError } from '../../../functions/core/errors.js';
import { readDatabaseConfig } from '../../../functions/runtime/config.js';
import { createPostgresPool, postgresConnection } from '../../../functions/runtime/database.js';
import { guarded, INVALID_PASSWORD } from '../../../functions/stores/postgres/errors.js';
import { startEmbeddedPostgres } from '../../../local/embedded/postgres.js';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:parley-db-rotation';

let adminUrl: string;
let stopServer: (() => Promise<void>) | undefined;
const role = `parley_rotation_${randomUUID().slice(0, 8)}`;

async function admin<T extends pg.QueryResultRow>(sql: string): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query<T>(sql);
  } finally {
    await client.end();
  }
}

/** Whether the server behind `url` refuses a wrong password for `role`. */
async function checksPasswords(url: string): Promise<boolean> {
  const wrong = new URL(url);
  wrong.username = role;
  wrong.password = 'not-it';
  const probe = new pg.Client({ connectionString: wrong.href });
  try {
    await probe.connect();
    await probe.end();
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === INVALID_PASSWORD) return true;
    throw error;
  }
}

beforeAll(async () => {
  adminUrl = inject('databaseUrl');
  await admin(`CREATE ROLE ${role} LOGIN PASSWORD 'before-${randomUUID()}'`);
  if (await checksPasswords(adminUrl)) return;
  await admin(`DROP ROLE ${role}`);
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-rotation-pg-'));
  const embedded = await startEmbeddedPostgres({ dataDir: dir, log: () => undefined });
  stopServer = async () => {
    await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  };
  adminUrl = embedded.url;
  await admin(`CREATE ROLE ${role} LOGIN`);
  if (!(await checksPasswords(adminUrl))) throw new Error('the test server trusts every login');
}, 120_000);

afterAll(async () => {
  // Its sessions first: a role with a session cannot be dropped.
  await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`);
  await admin(`DROP ROLE IF EXISTS ${role}`);
  await stopServer?.();
});

let secrets: AwsClientStub<SecretsManagerClient>;
let password: string;
let pool: pg.Pool | undefined;

/** Sets the role's password, and what Secrets Manager answers, as a rotation does. */
async function rotate(): Promise<string> {
  password = `p-${randomUUID()}`;
  await admin(`ALTER ROLE ${role} PASSWORD '${password}'`);
  return password;
}

beforeEach(async () => {
  clearCaches();
  secrets = mockClient(SecretsManagerClient);
  const { hostname, port, pathname } = new URL(adminUrl);
  secrets.on(GetSecretValueCommand, { SecretId: ARN }).callsFake(() => ({
    SecretString: JSON.stringify({
      username: role,
      password,
      engine: 'postgres',
      host: hostname,
      port: Number(port),
      dbname: pathname.slice(1),
    }),
  }));
  await rotate();
  // The runtime's own pool, from the RDS secret; only TLS is off (no TLS on this server).
  const config = readDatabaseConfig({ DB_SECRET_ARN: ARN, DB_HOST: hostname });
  const connection = await postgresConnection(config);
  pool = createPostgresPool(config, { ...connection, ssl: false }, { max: 1 });
});

afterEach(async () => {
  await pool?.end();
  pool = undefined;
  secrets.restore();
  clearCaches();
});

/** Runs one query on a connection of its own, which is then closed, not kept. */
async function freshConnectionQuery(): Promise<string> {
  const client = await pool!.connect();
  try {
    return (await client.query<{ user: string }>('SELECT current_user AS user')).rows[0]!.user;
  } finally {
    client.release(true);
  }
}

describe('a rotated database password', () => {
  it('is re-read past the cache on the first auth failure, and the connection retried', async () => {
    expect(await freshConnectionQuery()).toBe(role);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);

    await rotate(); // the old password is still in the secrets cache
    expect(await freshConnectionQuery()).toBe(role);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    // pool.query goes through the same retry (pg-pool checks out with its callback form).
    await rotate();
    expect((await pool!.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });

  it('is retried once only, then answers unavailable (a rotation caught half-way)', async () => {
    expect(await freshConnectionQuery()).toBe(role);
    // The database has a password that Secrets Manager does not have yet.
    await admin(`ALTER ROLE ${role} PASSWORD 'set-but-not-published-${randomUUID()}'`);
    const error = await guarded(() => freshConnectionQuery()).catch((e: unknown) => e);
    expect(toClientError(error).code).toBe('unavailable');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});
