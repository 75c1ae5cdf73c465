/**
 * Starts the embedded DynamoDB-compatible server in a child process (`dynamodb-main.ts`) and
 * stops it: `npm run dev` and the benchmark both use it, so the dev server's process holds
 * only what a deployed Parley's gateway and Lambdas hold.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EmbeddedDynamo } from './dynamodb.js';

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dynamodb-main.ts');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export interface DynamoProcess extends EmbeddedDynamo {
  /** The child's process id. */
  pid: number;
}

export async function startDynamoProcess(opts: {
  dataDir?: string;
  log: (message: string) => void;
}): Promise<DynamoProcess> {
  // Resolved here, so the child finds tsx whatever its working directory.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(
    process.execPath,
    ['--import', tsx, ENTRY, ...(opts.dataDir ? [path.resolve(opts.dataDir)] : [])],
    // stdin is the pipe whose end tells the child that we are gone.
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const exited = once(child, 'exit');
  let failure: string | undefined;
  const errors = createInterface({ input: child.stderr! });
  errors.on('line', (line) => {
    const failed = /^dynamodb failed: (.*)$/.exec(line);
    if (failed) failure = failed[1];
    else opts.log(line);
  });

  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`embedded DynamoDB did not start in ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const ready = /^dynamodb listening on (\S+)/.exec(line);
      if (!ready?.[1]) return;
      clearTimeout(timer);
      resolve(ready[1]);
    });
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      // stderr may still hold the reason: let it drain before reporting.
      setImmediate(() =>
        reject(
          new Error(failure ?? `embedded DynamoDB exited (${signal ?? code}) before it was ready`),
        ),
      );
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };
  return { endpoint, pid: child.pid ?? -1, stop };
}
