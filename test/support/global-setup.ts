/**
 * Once per test run: a real PostgreSQL (DATABASE_URL, else an embedded one) with the
 * schema migrated, a Redis (REDIS_URL, else a redis-server of the run's own, else the
 * in-process stand-in: see redis-plan.ts), and a DynamoDB-compatible server
 * (DYNAMODB_ENDPOINT, else an in-memory dynalite) with the connections table. With
 * CI=true, DATABASE_URL and REDIS_URL are required: without them the run stops here, in
 * one line. Test files get the addresses through `inject`.
 *
 * The `integration` and `load` projects both name this file, and Vitest runs a project's
 * global setup in the one main process: the services are started by the first, shared by
 * the second, and stopped when the last of them is done. The `unit` project has none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureConnectionsTable } from '../../functions/stores/dynamodb/table.js';
import { migrate } from '../../functions/stores/postgres/migrate.js';
import { startEmbeddedDynamo } from '../../local/embedded/dynamodb.js';
import { startEmbeddedPostgres } from '../../local/embedded/postgres.js';
import { chooseRedis, redisNotice, requireCiServices, testPlan } from './redis-plan.js';
import { startTestRedis } from './test-redis.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    /** Empty when the run has no Redis: the end-to-end tests use the stand-in. */
    redisUrl: string;
    redisStandIn: boolean;
    dynamoEndpoint: string;
    connectionsTable: string;
  }
}

interface Services {
  databaseUrl: string;
  redisUrl: string | undefined;
  dynamoEndpoint: string;
  connectionsTable: string;
  stop(): Promise<void>;
}

/** Kept on globalThis: each project loads this module anew, in the same process. */
const SHARED = Symbol.for('parley.test-services');
type Shared = { services: Promise<Services>; users: number };
const registry = globalThis as typeof globalThis & { [SHARED]?: Shared };

export default async function setup(project: TestProject) {
  requireCiServices(process.env);
  const shared = registry[SHARED] ?? { services: startServices(project.config.root), users: 0 };
  registry[SHARED] = shared;
  shared.users += 1;
  const services = await shared.services;

  project.provide('databaseUrl', services.databaseUrl);
  project.provide('redisUrl', services.redisUrl ?? '');
  project.provide('redisStandIn', services.redisUrl === undefined);
  project.provide('dynamoEndpoint', services.dynamoEndpoint);
  project.provide('connectionsTable', services.connectionsTable);

  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete registry[SHARED];
    await services.stop();
  };
}

async function startServices(root: string): Promise<Services> {
  const log = (m: string) => console.log(`[test setup] ${m}`);
  const stops: (() => Promise<void>)[] = [];
  const { redisServerInstalled, notRun } = testPlan(root);
  const redisPlan = chooseRedis(process.env, redisServerInstalled);

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-test-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir: dir, log });
    databaseUrl = embedded.url;
    stops.push(async () => {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    });
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  await migrate(pool, log);
  await pool.end();

  let dynamoEndpoint = process.env.DYNAMODB_ENDPOINT;
  if (!dynamoEndpoint) {
    const embedded = await startEmbeddedDynamo({ log });
    dynamoEndpoint = embedded.endpoint;
    stops.push(() => embedded.stop());
  }
  const connectionsTable = `parley-test-${process.pid}`;
  const dynamo = new DynamoDBClient({
    endpoint: dynamoEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureConnectionsTable(dynamo, connectionsTable);
  dynamo.destroy();

  const redis = await startTestRedis(redisPlan);
  stops.push(() => redis.stop());
  log(redisNotice(redisPlan, notRun, redis.url));

  return {
    databaseUrl,
    redisUrl: redis.url,
    dynamoEndpoint,
    connectionsTable,
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
