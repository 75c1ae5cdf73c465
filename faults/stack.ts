/**
 * Parley for the fault suite, in this process on the local gateway (the SDK sender, as on
 * AWS), with stores of the suite's own that it may stop, restart and empty: an embedded
 * PostgreSQL and an embedded DynamoDB-compatible server (dynalite, on disk), each restarted
 * on its port so the handlers' URLs stay valid, a redis-server child, and a proxy in front
 * of the `@connections` API that fails posts on demand. Nothing here touches a server the
 * suite did not start; everything lives in one temporary directory, removed on close.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pg from 'pg';
import { signDevToken } from '../functions/auth/sign-token.js';
import { ensureConnectionsTable } from '../functions/stores/dynamodb/table.js';
import { migrate } from '../functions/stores/postgres/migrate.js';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../local/embedded/dynamodb.js';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '../local/embedded/postgres.js';
import { type ParleyServer, startParleyServer } from '../local/parley-server.js';
import { ROOMY_RATE_LIMITS } from '../local/roomy-rate-limits.js';
import { emptyOwnRedis, type LocalRedis, startRedisServer } from '../test/support/redis-servers.js';
import { type ManagementFaultProxy, startManagementFaultProxy } from './management-faults.js';
import type { Random } from './random.js';

const JWT_SECRET = 'parley-faults-secret';
const TABLE = 'parley-faults-connections';

/** A store the suite can take down and bring back on the same address. */
export interface Restartable {
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface FaultStack {
  /** `ws://...`, where the load connects. */
  url: string;
  token(userId: string): Promise<string>;
  postgres: Restartable;
  dynamo: Restartable;
  redis: Restartable & { empty(): Promise<void> };
  management: ManagementFaultProxy;
  /** This process's memory, for the report. */
  close(): Promise<void>;
}

export async function startFaultStack(
  random: Random,
  log: (message: string) => void,
): Promise<FaultStack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-faults-'));
  // As root, PostgreSQL runs as `postgres`, which must be able to enter the directory.
  await chmod(dir, 0o755);
  const quiet = () => {};
  const stops: (() => Promise<void>)[] = [async () => rm(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => {});
  };
  try {
    log('starting an embedded PostgreSQL of its own');
    let postgres: EmbeddedPostgresHandle | undefined = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'postgres'),
      log: quiet,
    });
    const databaseUrl = postgres.url;
    const pgPort = Number(new URL(databaseUrl).port);
    stops.push(async () => postgres?.stop());
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    await migrate(pool, quiet).finally(() => pool.end());

    log('starting a DynamoDB-compatible server (dynalite, on disk) of its own');
    const dynamoDir = path.join(dir, 'dynamodb');
    let dynamo: EmbeddedDynamo | undefined = await startEmbeddedDynamo({
      dataDir: dynamoDir,
      log: quiet,
    });
    const endpoint = dynamo.endpoint;
    const dynamoPort = Number(new URL(endpoint).port);
    stops.push(async () => dynamo?.stop());
    const client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureConnectionsTable(client, TABLE);
    client.destroy();

    log('starting a redis-server of its own');
    let redis: LocalRedis | undefined = await startRedisServer();
    const redisPort = redis.port;
    stops.push(async () => redis?.stop());

    // The handlers post through the proxy, which forwards to the gateway once it listens.
    let gatewayUrl = '';
    const management = await startManagementFaultProxy(() => gatewayUrl, random);
    stops.push(() => management.close());
    const server: ParleyServer = await startParleyServer({
      port: 0,
      env: {
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        REDIS_CLUSTER: 'false',
        REDIS_KEY_PREFIX: 'faults:',
        PARLEY_CACHE: 'redis',
        DYNAMODB_ENDPOINT: endpoint,
        CONNECTIONS_TABLE: TABLE,
        JWT_SECRET,
        // The fuzzer and the fault checks send far faster than any person.
        ...ROOMY_RATE_LIMITS,
      },
      callbackUrl: management.url,
      log: quiet,
      sender: 'sdk',
    });
    stops.push(() => server.close());
    gatewayUrl = server.gateway.callbackUrl;

    return {
      url: server.gateway.url,
      token: (userId) => signDevToken(JWT_SECRET, userId),
      postgres: {
        async stop() {
          await postgres?.stop();
          postgres = undefined;
        },
        async start() {
          postgres = await startEmbeddedPostgres({
            dataDir: path.join(dir, 'postgres'),
            log: quiet,
            port: pgPort,
          });
        },
      },
      dynamo: {
        async stop() {
          await dynamo?.stop();
          dynamo = undefined;
        },
        async start() {
          dynamo = await startEmbeddedDynamo({ dataDir: dynamoDir, log: quiet, port: dynamoPort });
        },
      },
      redis: {
        async stop() {
          await redis?.stop();
          redis = undefined;
        },
        async start() {
          redis = await startRedisServer(redisPort);
        },
        async empty() {
          if (redis) await emptyOwnRedis(redis);
        },
      },
      management,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
