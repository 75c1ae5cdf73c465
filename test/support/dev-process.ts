/**
 * `npm run dev` as a child process on a DATA_DIR and port of the test's own, with none of
 * the test run's store settings, so it starts its embedded stores as a user's would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface DevRun {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
  stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  /** Resolves once the ready line is printed; rejects if the server exits first. */
  ready: Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The environment a user's shell would give the CLIs: none of the test run's stores. */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'DYNAMODB_ENDPOINT', 'CALLBACK_URL']) {
    delete env[key];
  }
  if (!('JWT_SECRET' in extra)) delete env.JWT_SECRET;
  if (!('DATA_DIR' in extra)) delete env.DATA_DIR;
  return env;
}

/** Starts the dev server; it is killed if it has not exited within `limitMs`. */
export function startDev(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
  limitMs = 110_000,
): DevRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/dev.ts'], {
    env: userEnv({ DATA_DIR: dataDir, PORT: String(port), ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  let errText = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    if (/ready in \d+ ms/.test(text)) onReady();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    errText += chunk.toString();
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve(code);
    }),
  );
  const readyOrExited = Promise.race([
    ready,
    exit.then((code) => {
      throw new Error(`dev server exited ${code} before it was ready:\n${text}`);
    }),
  ]);
  // Runs expected to fail never await `ready`: that is not an unhandled rejection.
  readyOrExited.catch(() => {});
  return { child, output: () => text, stderr: () => errText, exit, ready: readyOrExited };
}

export async function stopDev(run: DevRun): Promise<number | null> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
  return run.exit;
}
