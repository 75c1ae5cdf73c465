/**
 * Parley for the benchmark, as its own process (`bench/servers.ts` spawns it) so the load
 * generator's event loop is alone in its process: an in-memory dynalite in a child process
 * (`bench/dynamo-main.ts`: DynamoDB's work is not Parley's), the connections table, the
 * migrations on DATABASE_URL, then the Lambda handlers behind the local gateway.
 * Env: DATABASE_URL, REDIS_URL, REDIS_KEY_PREFIX, JWT_SECRET (required), PORT (0: random).
 * Prints `parley listening on <port>` when ready; SIGTERM closes everything.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pg from 'pg';
import { logger } from '../functions/runtime/logger.js';
import { ensureConnectionsTable } from '../functions/stores/dynamodb/table.js';
import { migrate } from '../functions/stores/postgres/migrate.js';
import { type ParleyServer, startParleyServer } from '../local/parley-server.js';

const say = (message: string) => console.error(`[parley-bench] ${message}`);

let dynamo: ChildProcess | undefined;
let server: ParleyServer | undefined;

async function main() {
  for (const name of ['DATABASE_URL', 'REDIS_URL', 'JWT_SECRET']) {
    if (!process.env[name]) throw new Error(`${name} is required`);
  }
  // Handler logs are JSON lines at INFO by default: at thousands of messages per second that
  // is the benchmark's own overhead, not Parley's.
  if (!process.env.POWERTOOLS_LOG_LEVEL) logger.setLogLevel('WARN');

  process.env.DYNAMODB_ENDPOINT = await startDynamo();
  process.env.CONNECTIONS_TABLE ??= 'parley-connections';
  const client = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
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

/** Starts `bench/dynamo-main.ts` and resolves with its endpoint. */
async function startDynamo(): Promise<string> {
  const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dynamo-main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  dynamo = child;
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const ready = /^dynamodb listening on (\S+)/.exec(line);
    if (ready?.[1]) {
      say(`DynamoDB (dynalite, own process ${child.pid}) at ${ready[1]}`);
      return ready[1];
    }
  }
  throw new Error(`the DynamoDB process exited (${child.exitCode}) before it was ready`);
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
      if (dynamo && dynamo.exitCode === null) {
        dynamo.kill('SIGTERM');
        await once(dynamo, 'exit');
      }
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
