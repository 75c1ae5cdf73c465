/**
 * The schema migration custom resource against the real PostgreSQL: the suite's database
 * (already migrated by the global setup) and a fresh database made for this file.
 */
import type { CdkCustomResourceEvent } from 'aws-lambda';
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
  PHYSICAL_RESOURCE_ID,
  SCHEMA_VERSION,
} from '../../functions/migrate-on-deploy.js';
import { logger } from '../../functions/runtime/logger.js';
import { MIGRATIONS } from '../../functions/stores/postgres/migrations.js';

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:parley-migrate-provider';

function customResourceEvent(requestType: 'Create' | 'Update' | 'Delete'): CdkCustomResourceEvent {
  const common = {
    ServiceToken: SERVICE_TOKEN,
    ResponseURL: 'https://cloudformation-custom-resource-response.example/',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/parley/1',
    RequestId: `req-${requestType}`,
    LogicalResourceId: 'Schema',
    ResourceType: 'Custom::ParleySchema',
    ResourceProperties: { ServiceToken: SERVICE_TOKEN, Version: String(SCHEMA_VERSION) },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...common,
      RequestType: 'Update',
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      OldResourceProperties: { ServiceToken: SERVICE_TOKEN, Version: '0' },
    };
  }
  return { ...common, RequestType: 'Delete', PhysicalResourceId: PHYSICAL_RESOURCE_ID };
}

const ALL_VERSIONS = MIGRATIONS.map((m) => m.version).join(',');

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
    expect(await handler(customResourceEvent('Create'))).toEqual({
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
    expect(await handler(customResourceEvent('Create'))).toEqual(expected);
    expect(await handler(customResourceEvent('Update'))).toEqual(expected);
    expect(SCHEMA_VERSION).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
  });

  it('Delete keeps the schema and its data, and needs no database at all', async () => {
    vi.stubEnv('DATABASE_URL', undefined);
    const before = await tablesOf(freshUrl);
    expect(await handler(customResourceEvent('Delete'))).toEqual({
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
    });
    expect(await tablesOf(freshUrl)).toEqual(before);
    expect(before).toContain('messages');
  });

  it('lets an error through, so CloudFormation fails the deploy', async () => {
    vi.stubEnv('DATABASE_URL', 'postgres://postgres@127.0.0.1:1/nowhere');
    vi.stubEnv('MIGRATION_DB_WAIT_ATTEMPTS', '1');
    await expect(handler(customResourceEvent('Create'))).rejects.toThrow(/ECONNREFUSED/);
    vi.stubEnv('DATABASE_URL', undefined);
    await expect(handler(customResourceEvent('Update'))).rejects.toThrow(
      /DATABASE_URL or DB_SECRET_ARN is required/,
    );
  });
});
