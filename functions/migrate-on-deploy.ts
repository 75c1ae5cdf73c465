/**
 * The `onEvent` handler of the CloudFormation custom resource (CDK Provider framework)
 * that migrates the PostgreSQL schema during a deploy, before the new handlers take
 * traffic. Create and Update apply every pending migration (under the advisory lock of
 * `migrate`, so a concurrent migration waits); Delete leaves the schema and its data
 * alone. An error fails the resource, so CloudFormation fails the deploy and rolls back.
 *
 * The database is found as the handlers find it: `DATABASE_URL`, else `DB_SECRET_ARN`
 * (with `DB_HOST`, `DB_PORT`, `DB_NAME`) through RDS Proxy over TLS. Every wait (for RDS
 * Proxy, for the migration lock) fits in what is left of the invocation, so a deploy that
 * cannot migrate fails with the reason rather than with a Lambda timeout.
 */
import type {
  CdkCustomResourceEvent,
  CdkCustomResourceResponse,
  CloudFormationCustomResourceResourcePropertiesCommon,
  Context,
} from 'aws-lambda';
import type pg from 'pg';
import { readDatabaseConfig } from './runtime/config.js';
import { createPostgresPool, postgresConnection } from './runtime/database.js';
import { logger } from './runtime/logger.js';
import { type Clock, deadlineOf, retryUntil } from './shared/deadline.js';
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
 * How the handler spends its invocation. It never waits past the deadline: Lambda's
 * remaining time less `marginMs`, kept to report a failure to the provider framework.
 */
export const MIGRATION_TIMING = {
  /** Left at the end of the invocation to return an error before Lambda ends it. */
  marginMs: 10_000,
  /** Kept for the migrations themselves once the database answers. */
  migrateMs: 60_000,
  /** One connection attempt's limit: RDS Proxy answers well within it once it is up. */
  connectMs: 10_000,
  /** The pause between connection attempts while RDS Proxy comes up on a first deploy. */
  retryDelayMs: 10_000,
} as const;

export type MigrationTiming = Readonly<Record<keyof typeof MIGRATION_TIMING, number>>;

/**
 * The shortest function timeout that allows one connection attempt and the migrations
 * with the margin; the stack's is longer, to wait for RDS Proxy on a first deploy.
 */
export const MIGRATION_MIN_TIMEOUT_MS =
  MIGRATION_TIMING.marginMs + MIGRATION_TIMING.migrateMs + MIGRATION_TIMING.connectMs;

/**
 * On a first deploy RDS Proxy can take a few minutes before its target is available:
 * retries the connection until one more attempt (pause and connection timeout included)
 * could not end by `until`.
 */
export async function waitForDatabase(
  pool: Pick<pg.Pool, 'query'>,
  plan: { until: number; delayMs: number; connectMs: number; clock?: Clock },
): Promise<void> {
  await retryUntil(() => pool.query('SELECT 1'), {
    until: plan.until,
    delayMs: plan.delayMs,
    attemptMs: plan.connectMs,
    clock: plan.clock,
    onRetry: (attempt, error) =>
      logger.warn('database not reachable yet; waiting', { attempt, error: String(error) }),
  });
}

export async function handler(
  event: CdkCustomResourceEvent<CloudFormationCustomResourceResourcePropertiesCommon>,
  context: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<CdkCustomResourceResponse<MigrationData>> {
  return migrateFor(event, deadlineOf(context, MIGRATION_TIMING.marginMs));
}

/** The handler's work, by `deadline` (epoch ms), with `timing` (tests shorten it). */
export async function migrateFor(
  event: CdkCustomResourceEvent<CloudFormationCustomResourceResourcePropertiesCommon>,
  deadline: number,
  timing: MigrationTiming = MIGRATION_TIMING,
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
  // A password rotated under the deploy is re-read on the first refusal (28P01).
  const pool = createPostgresPool(config, connection, {
    max: 1,
    connectionTimeoutMillis: timing.connectMs,
  });
  pool.on('error', (error) =>
    logger.warn('idle PostgreSQL client failed', { error: String(error) }),
  );
  // Every statement of a session ends by the deadline, counted from when the session
  // opened, just before the migrations start. The one open-ended wait among them, the
  // migration lock held by a concurrent migration, is the first statement.
  pool.on('connect', (client) => {
    const budgetMs = Math.max(1, Math.floor(deadline - Date.now()));
    client
      .query("SELECT set_config('statement_timeout', $1, false)", [String(budgetMs)])
      .catch((error: unknown) =>
        logger.warn('could not bound the session', { error: String(error) }),
      );
  });
  try {
    logger.info('migrating the schema', { requestType: event.RequestType });
    await waitForDatabase(pool, {
      until: deadline - timing.migrateMs,
      delayMs: timing.retryDelayMs,
      connectMs: timing.connectMs,
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
