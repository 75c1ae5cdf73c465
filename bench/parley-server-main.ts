/**
 * Parley for the benchmark, as its own process (`bench/servers.ts` spawns it) so the load
 * generator's event loop is alone in its process: an in-memory dynalite, the connections
 * table, the migrations on DATABASE_URL, then the Lambda handlers behind the local gateway.
 * Env: DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, JWT_SECRET (required), PORT (0: random).
 * Prints `parley listening on <port>` when ready; SIGTERM closes everything.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pg from 'pg';
import { logger } from '../functions/runtime/logger.js';
import { ensureConnectionsTable } from '../functions/stores/dynamodb/table.js';
import { migrate } from '../functions/stores/postgres/migrate.js';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../local/embedded/dynamodb.js';
import { type ParleyServer, startParleyServer } from '../local/parley-server.js';

const say = (message: string) => console.error(`[parley-bench] ${message}`);

let dynamo: EmbeddedDynamo | undefined;
let server: ParleyServer | undefined;

async function main() {
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']) {
    if (!process.env[name]) throw new Error(`${name} is required`);
  }
  // Handler logs are JSON lines at INFO by default: at thousands of messages per second that
  // is the benchmark's own overhead, not Parley's.
  if (!process.env.POWERTOOLS_LOG_LEVEL) logger.setLogLevel('WARN');

  dynamo = await startEmbeddedDynamo({ log: say });
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.CONNECTIONS_TABLE ??= 'parley-connections';
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureConnectionsTable(client, process.env.CONNECTIONS_TABLE);
  client.destroy();

  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  try {
    await migrate(pool, say);
  } finally {
    await pool.end();
  }

  server = await startParleyServer({ port: Number(process.env.PORT ?? 0), log: () => {} });
  console.log(`parley listening on ${server.gateway.port}`);
}

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  // Closing runs $disconnect for every connection; do not let a slow store hold the exit.
  const deadline = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
  await Promise.race([
    (async () => {
      await server?.close().catch((error: unknown) => say(`close failed: ${String(error)}`));
      await dynamo?.stop().catch(() => undefined);
    })(),
    deadline,
  ]);
  process.exit(code);
}
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

main().catch((error: unknown) => {
  say(
    `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  void shutdown(1);
});
