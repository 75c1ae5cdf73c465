/**
 * `npm run dev`: all of Parley on one machine with nothing else installed.
 * PostgreSQL from DATABASE_URL or embedded; DynamoDB from DYNAMODB_ENDPOINT or embedded
 * (dynalite); Redis from REDIS_URL or an in-process stand-in; data under DATA_DIR, which
 * one dev server at a time owns (local/data-dir-lock.ts). A failed start stops whatever
 * it had started and exits 1 with one line: the reason and its fix.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pg from 'pg';
import { signDevToken } from '../functions/auth/sign-token.js';
import { logger } from '../functions/runtime/logger.js';
import { ensureConnectionsTable } from '../functions/stores/dynamodb/table.js';
import { migrate } from '../functions/stores/postgres/migrate.js';
import { AwsLimitsError, awsLimitsFromEnv, describeLimits } from './aws-limits.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { cliCommandPrefix } from './dev-commands.js';
import { dataDirFromEnv, devJwtSecret } from './dev-secret.js';
import { startDynamoProcess } from './embedded/dynamodb-process.js';
import { startEmbeddedPostgres } from './embedded/postgres.js';
import { nodeVersionNotice } from './node-support.js';
import { startParleyServer } from './parley-server.js';
import { startLocalFiles } from './s3/local-files.js';
import { describeStartupFailure, explainSystemError } from './startup-error.js';

const started = Date.now();
const say = (message: string) => console.log(`[parley] ${message}`);
const stops: (() => Promise<void>)[] = [];
const dataDir = dataDirFromEnv();
const port = Number(process.env.PORT ?? 3001);

async function main() {
  // First, so a bad value is one line before anything starts.
  const limits = awsLimitsFromEnv(process.env);
  const nodeNotice = nodeVersionNotice(process.version, new Date());
  if (nodeNotice) say(`notice: ${nodeNotice}`);
  await mkdir(dataDir, { recursive: true });
  say(`data directory ${dataDir}`);
  // Before anything in DATA_DIR is touched: a second server must leave the first alone.
  const secretFromEnv = Boolean(process.env.JWT_SECRET);
  const lock = await acquireDataDirLock(dataDir, secretFromEnv ? 'env' : 'data-dir', say);
  stops.push(() => lock.release());
  // Handler logs are JSON for CloudWatch; on a terminal only warnings are worth the noise.
  if (!process.env.POWERTOOLS_LOG_LEVEL) logger.setLogLevel('WARN');
  const jwtSecret = await devJwtSecret(dataDir);

  let databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    say('PostgreSQL: DATABASE_URL');
  } else {
    const postgres = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      log: say,
      // The gateway's port and the two after it (the local S3 is PORT+2).
      avoidPorts: [port, port + 1, port + 2],
    });
    stops.push(() => postgres.stop());
    databaseUrl = postgres.url;
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    say('PostgreSQL: applying migrations');
    await migrate(pool, say);
  } finally {
    await pool.end();
  }

  let dynamoEndpoint = process.env.DYNAMODB_ENDPOINT;
  if (dynamoEndpoint) {
    say(`DynamoDB: ${dynamoEndpoint}`);
  } else {
    // In a process of its own, as DynamoDB is not in the Lambda's on AWS: in this one its
    // work would slow every request (docs/decisions/2026-12-06-dev-server-and-bench.md).
    const dynamo = await startDynamoProcess({ dataDir: path.join(dataDir, 'dynamodb'), log: say });
    say(`DynamoDB: embedded dynalite, process ${dynamo.pid}`);
    stops.push(() => dynamo.stop());
    dynamoEndpoint = dynamo.endpoint;
  }
  const dynamo = new DynamoDBClient({
    endpoint: dynamoEndpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureConnectionsTable(dynamo, process.env.CONNECTIONS_TABLE ?? 'parley-connections');
  dynamo.destroy();

  const redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    say(`Redis: ${redisUrl}`);
  } else {
    say(
      'Redis: REDIS_URL not set, using the IN-PROCESS STAND-IN cache (dev only; set REDIS_URL for a real Redis)',
    );
  }

  // Attachments: S3_ENDPOINT when set (S3 itself, MinIO), else the local S3 on PORT+2.
  let files: { S3_ENDPOINT?: string; S3_BUCKET?: string } = {};
  if (process.env.S3_ENDPOINT) {
    say(`S3: ${process.env.S3_ENDPOINT}, bucket ${process.env.S3_BUCKET ?? '(S3_BUCKET unset)'}`);
  } else {
    const local = await startLocalFiles({
      dataDir,
      port: port + 2,
      onError: (error) => console.error(`[parley] local S3: ${String(error)}`),
    });
    stops.push(() => local.close());
    files = local.env;
    say(`S3: local, ${local.endpoint}/${local.env.S3_BUCKET} (objects in ${dataDir}/objects)`);
  }

  const durations = {
    ...(process.env.IDLE_TIMEOUT_MS ? { idleTimeoutMs: Number(process.env.IDLE_TIMEOUT_MS) } : {}),
    ...(process.env.MAX_CONNECTION_MS
      ? { maxConnectionMs: Number(process.env.MAX_CONNECTION_MS) }
      : {}),
  };
  const server = await startParleyServer({
    port,
    // The handlers' settings: this process's environment and what the runner found or
    // started, handed to the server rather than written into the environment.
    env: {
      ...process.env,
      JWT_SECRET: jwtSecret,
      DATABASE_URL: databaseUrl,
      DYNAMODB_ENDPOINT: dynamoEndpoint,
      ...(redisUrl ? {} : { PARLEY_CACHE: 'memory' }),
      ...files,
    },
    web: true,
    ...durations,
    limits,
    // Dev only: lets a benchmark in another process open socketless connections.
    virtualConnections: true,
    log: (message, fields) =>
      process.env.PARLEY_GATEWAY_LOG === '1'
        ? console.log(`[gateway] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`)
        : undefined,
  });
  stops.push(() => server.close());
  await lock.update({ url: server.gateway.url });

  const token = await signDevToken(jwtSecret, 'alice', { name: 'Alice' });
  const readyMs = Date.now() - started;
  say(`management API: ${server.gateway.callbackUrl}/@connections/{connectionId}`);
  say(`web chat page: ${server.gateway.callbackUrl}/  (pick a name and a room; two tabs chat)`);
  say(describeLimits(limits));
  say(`virtual connections (dev only, loopback): ${server.gateway.callbackUrl}/@virtual/...`);
  // Commands that work as printed: the CLIs must find this server's secret.
  const cli = cliCommandPrefix(process.env, dataDir);
  say(`connect as alice (a token for anyone else: ${cli}npm run token -- bob):`);
  console.log(`\n  npx wscat -c "${server.gateway.url}/?token=${token}"\n`);
  say('then send: {"action":"join_room","roomId":"general"}');
  say('      and: {"action":"send_message","roomId":"general","content":"hello"}');
  say(
    `or chat in a terminal: ${cli}npm run chat -- --url ${server.gateway.url} --user bob --room general`,
  );
  if (secretFromEnv) {
    say('(this server signs with JWT_SECRET from its environment: give those commands the same)');
  }
  say(`ready in ${readyMs} ms: ${server.gateway.url}  (Ctrl-C stops)`);
}

/** Stops what was started, newest first; the lock goes last. */
async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0).reverse()) {
    await stop().catch((error: unknown) =>
      console.error(`[parley] stop failed: ${error instanceof Error ? error.message : error}`),
    );
  }
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  say(`${signal}: closing connections and stopping the stores`);
  await stopAll();
  say('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

main().catch(async (error: unknown) => {
  if (error instanceof AwsLimitsError) {
    console.error(`[parley] ${error.message}`);
    process.exit(2);
  }
  // A signal during start-up is already stopping everything, and exits by itself.
  if (stopping) return;
  stopping = true;
  const failure = explainSystemError(error, { port, dataDir });
  for (const line of describeStartupFailure(failure, process.env.PARLEY_DEBUG === '1')) {
    console.error(`[parley] ${line}`);
  }
  await stopAll();
  process.exit(1);
});
