/**
 * Once per test run: a real PostgreSQL (DATABASE_URL, else an embedded one) with the
 * schema migrated, a Redis (REDIS_URL, else a redis-server of the run's own, else the
 * in-process stand-in: see redis-plan.ts), and a DynamoDB-compatible server
 * (DYNAMODB_ENDPOINT, else an in-memory dynalite) with the connections table. With
 * CI=true, DATABASE_URL and REDIS_URL are required (vitest.config.ts checks it first).
 * Test files get the addresses through `inject`.
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
import { chooseRedis, redisNotice, testPlan } from './redis-plan.js';
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

export default async function setup(project: TestProject) {
  const log = (m: string) => console.log(`[test setup] ${m}`);
  const stops: (() => Promise<void>)[] = [];
  const { redisServerInstalled, notRun } = testPlan(project.config.root);
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

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', redis.url ?? '');
  project.provide('redisStandIn', redis.url === undefined);
  project.provide('dynamoEndpoint', dynamoEndpoint);
  project.provide('connectionsTable', connectionsTable);

  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
