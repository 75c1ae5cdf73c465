/**
 * The schema migration custom resource against the real PostgreSQL: the suite's database
 * (already migrated by the global setup) and a fresh database made for this file.
 */
import pg from 'pg';
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  inject,
  it,
  vi,
} from 'vitest';
import {
  handler,
  MIGRATION_TIMING,
  migrateFor,
  PHYSICAL_RESOURCE_ID,
  SCHEMA_VERSION,
} from '../../functions/migrate-on-deploy.js';
import { logger } from '../../functions/runtime/logger.js';
import { MIGRATIONS } from '../../functions/stores/postgres/migrations.js';
import {
  type RequestType,
  customResourceEvent as schemaEvent,
} from '../support/custom-resource-events.js';

function customResourceEvent(requestType: RequestType) {
  return schemaEvent(requestType, {
    resourceType: 'Custom::ParleySchema',
    logicalResourceId: 'Schema',
    physicalResourceId: PHYSICAL_RESOURCE_ID,
    properties: { Version: String(SCHEMA_VERSION) },
    oldProperties: { Version: '0' },
  });
}

const ALL_VERSIONS = MIGRATIONS.map((m) => m.version).join(',');

/** Lambda's context as the stack's 5-minute function starts, or with `remainingMs` left. */
const invocation = (remainingMs = 300_000) => ({ getRemainingTimeInMillis: () => remainingMs });

/** Too little time left for a second connection attempt: a failure is final. */
const lastMinute = () => invocation(MIGRATION_TIMING.marginMs + MIGRATION_TIMING.migrateMs);

/** A database of this file's own, so "applies every migration" can be seen. */
const freshName = `parley_mod_${process.pid}_${Date.now()}`;
let admin: pg.Pool;
let freshUrl: string;

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: inject('databaseUrl'), max: 1 });
  await admin.query(`CREATE DATABASE ${freshName}`);
  freshUrl = withDatabase(inject('databaseUrl'), freshName);
});

afterAll(async () => {
  await admin.query(`DROP DATABASE IF EXISTS ${freshName}`);
  await admin.end();
});

beforeEach(() => {
  vi.stubEnv('DB_SECRET_ARN', undefined);
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

async function tablesOf(url: string): Promise<string[]> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    return rows.map((r) => r.tablename);
  } finally {
    await pool.end();
  }
}

describe('migrate-on-deploy', () => {
  it('Create on an empty database applies every migration, logging each', async () => {
    vi.stubEnv('DATABASE_URL', freshUrl);
    expect(await handler(customResourceEvent('Create'), invocation())).toEqual({
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      Data: { Applied: ALL_VERSIONS, Version: String(SCHEMA_VERSION) },
    });
    expect(await tablesOf(freshUrl)).toEqual(
      expect.arrayContaining(['messages', 'room_members', 'rooms', 'schema_migrations']),
    );
    const logged = vi.mocked(logger.info).mock.calls.map(([message]) => message);
    for (const m of MIGRATIONS) {
      expect(logged).toContain(`applying migration ${m.version}: ${m.name}`);
    }
  });

  it('Create and Update on a migrated database report it up to date', async () => {
    vi.stubEnv('DATABASE_URL', inject('databaseUrl'));
    const expected = {
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      Data: { Applied: '', Version: String(SCHEMA_VERSION) },
    };
    expect(await handler(customResourceEvent('Create'), invocation())).toEqual(expected);
    expect(await handler(customResourceEvent('Update'), invocation())).toEqual(expected);
    expect(SCHEMA_VERSION).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
  });

  it('Delete keeps the schema and its data, and needs no database at all', async () => {
    vi.stubEnv('DATABASE_URL', undefined);
    const before = await tablesOf(freshUrl);
    expect(await handler(customResourceEvent('Delete'), invocation())).toEqual({
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
    });
    expect(await tablesOf(freshUrl)).toEqual(before);
    expect(before).toContain('messages');
  });

  it('lets an error through, so CloudFormation fails the deploy', async () => {
    vi.stubEnv('DATABASE_URL', 'postgres://postgres@127.0.0.1:1/nowhere');
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await expect(handler(customResourceEvent('Create'), lastMinute())).rejects.toThrow(
      /ECONNREFUSED/,
    );
    vi.stubEnv('DATABASE_URL', undefined);
    await expect(handler(customResourceEvent('Update'), invocation())).rejects.toThrow(
      /DATABASE_URL or DB_SECRET_ARN is required/,
    );
  });

  it('gives up on a migration lock still held at its deadline, and says so', async () => {
    // A concurrent migration (another deploy, a stuck session) holds migrate()'s lock.
    const MIGRATION_LOCK_KEY = 7_301_202_6; // functions/stores/postgres/migrate.ts
    vi.stubEnv('DATABASE_URL', freshUrl);
    const holder = new pg.Client({ connectionString: freshUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      const shortly = Date.now() + 1_500;
      await expect(
        migrateFor(customResourceEvent('Update'), shortly, { ...MIGRATION_TIMING, migrateMs: 0 }),
      ).rejects.toThrow(/statement timeout/);
    } finally {
      await holder.end();
    }
    // With the lock free again, the same migration goes through.
    await expect(handler(customResourceEvent('Update'), invocation())).resolves.toMatchObject({
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
    });
  });
});
