/**
 * The `onEvent` handler of the CloudFormation custom resource (CDK Provider framework)
 * that migrates the PostgreSQL schema during a deploy, before the new handlers take
 * traffic. Create and Update apply every pending migration (under the advisory lock of
 * `migrate`, so a concurrent migration waits); Delete leaves the schema and its data
 * alone. An error fails the resource, so CloudFormation fails the deploy and rolls back.
 *
 * The database is found as the handlers find it: `DATABASE_URL`, else `DB_SECRET_ARN`
 * (with `DB_HOST`, `DB_PORT`, `DB_NAME`) through RDS Proxy over TLS.
 */
import type {
  CdkCustomResourceEvent,
  CdkCustomResourceResponse,
  CloudFormationCustomResourceResourcePropertiesCommon,
} from 'aws-lambda';
import type pg from 'pg';
import { readDatabaseConfig } from './runtime/config.js';
import { createPostgresPool, postgresConnection } from './runtime/database.js';
import { logger } from './runtime/logger.js';
import { migrate } from './stores/postgres/migrate.js';
import { MIGRATIONS } from './stores/postgres/migrations.js';

/** The one schema this resource stands for: the same id on every update, so never replaced. */
export const PHYSICAL_RESOURCE_ID = 'parley-schema';

/** The schema version once every migration is applied. */
export const SCHEMA_VERSION = Math.max(0, ...MIGRATIONS.map((m) => m.version));

export interface MigrationData {
  /** The versions this run applied, comma-separated; empty when the schema was up to date. */
  Applied: string;
  Version: string;
}

/**
 * On a first deploy RDS Proxy can take a few minutes before its target is available; the
 * function's 5-minute timeout leaves room to wait for it rather than fail the deploy.
 */
export async function waitForDatabase(
  pool: pg.Pool,
  { attempts = 20, delayMs = 10_000 }: { attempts?: number; delayMs?: number } = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('SELECT 1');
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      logger.warn('database not reachable yet; waiting', { attempt, error: String(error) });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

export async function handler(
  event: CdkCustomResourceEvent<CloudFormationCustomResourceResourcePropertiesCommon>,
): Promise<CdkCustomResourceResponse<MigrationData>> {
  if (event.RequestType === 'Delete') {
    // Deleting the stack (or this resource) must never drop rooms and messages.
    logger.info('schema left in place on delete', {
      physicalResourceId: event.PhysicalResourceId,
    });
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const config = readDatabaseConfig();
  const connection = await postgresConnection(config);
  // A first deploy can rotate the secret right away: a refused password is re-read.
  const pool = createPostgresPool(config, connection, { max: 1, connectionTimeoutMillis: 10_000 });
  pool.on('error', (error) =>
    logger.warn('idle PostgreSQL client failed', { error: String(error) }),
  );
  try {
    logger.info('migrating the schema', { requestType: event.RequestType });
    // MIGRATION_DB_WAIT_ATTEMPTS: 10 s apart; the default fits the 5-minute timeout.
    await waitForDatabase(pool, {
      attempts: Number(process.env.MIGRATION_DB_WAIT_ATTEMPTS ?? 20) || 1,
    });
    const applied = await migrate(pool, (message) => logger.info(message));
    logger.info(applied.length ? 'schema migrated' : 'schema is up to date', {
      applied,
      version: SCHEMA_VERSION,
    });
    return {
      PhysicalResourceId: PHYSICAL_RESOURCE_ID,
      Data: { Applied: applied.join(','), Version: String(SCHEMA_VERSION) },
    };
  } finally {
    await pool.end();
  }
}
