/**
 * The embedded DynamoDB-compatible server (dynalite) as a process of its own, started by
 * `startDynamoProcess` (dynamodb-process.ts). On AWS DynamoDB's work is not done in the
 * Lambda or the gateway; run inside the dev server it took that server's CPU and event loop
 * (docs/decisions/2026-12-06-dev-server-and-bench.md).
 *
 * Argument: the data directory (in memory without one). Prints
 * `dynamodb listening on <endpoint>` on stdout when ready, its log on stderr, and on a
 * failure one line `dynamodb failed: <reason>` and exit 1.
 * It ends with its parent however the parent ended: when its stdin (a pipe the parent holds)
 * closes, which the kernel does on SIGKILL too, or when its parent process changes.
 */
import { startEmbeddedDynamo } from './dynamodb.js';

const dataDir = process.argv[2] || undefined;
const parent = process.ppid;
const say = (message: string) => console.error(message);

let stopping = false;
let stopDynamo: (() => Promise<void>) | undefined;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  // Closing releases the LevelDB LOCK, so the next start on the same DATA_DIR can open it.
  await stopDynamo?.().catch(() => undefined);
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
// Ctrl-C in a terminal signals the whole process group: the dev server stops us itself, after
// its connections' $disconnect has written to DynamoDB, so we must not go first.
process.on('SIGINT', () => undefined);
process.stdin.on('end', () => void stop(0));
process.stdin.on('error', () => void stop(0));
process.stdin.resume();
// A backup for a parent that let its end of the pipe leak into another process.
setInterval(() => {
  if (process.ppid !== parent) void stop(0);
}, 1_000).unref();

try {
  const dynamo = await startEmbeddedDynamo({ ...(dataDir ? { dataDir } : {}), log: say });
  stopDynamo = dynamo.stop;
  console.log(`dynamodb listening on ${dynamo.endpoint}`);
} catch (error) {
  console.error(`dynamodb failed: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}
