/**
 * `npm run chat` run as a user runs it, for the CLI's tests: a child process whose stdout,
 * stderr and exit code the test reads, and stand-in WebSocket servers that are not Parley.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type WebSocket, WebSocketServer } from 'ws';
import { TEST_JWT_SECRET } from './parley.js';

export interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
  /** Resolves once stdout contains `text`. */
  printed: (text: string) => Promise<void>;
}

/** `--send x` as user u to room r on a server at 127.0.0.1:`port`. */
export function sendOnceTo(port: number): Run {
  return chat(['--url', `ws://127.0.0.1:${port}`, '--user', 'u', '--room', 'r', '--send', 'x']);
}

/**
 * A WebSocket server that is not Parley, doing `onConnection` to each client (nothing: it
 * never answers), for as long as `body` runs.
 */
export async function withStandIn(
  onConnection: ((socket: WebSocket) => void) | undefined,
  body: (port: number) => Promise<void>,
): Promise<void> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  if (onConnection) server.on('connection', onConnection);
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await body((server.address() as { port: number }).port);
  } finally {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
}

export function chat(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/chat-cli.ts', ...args], {
    env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers: { text: string; resolve: () => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const w of watchers.filter((w) => stdout.includes(w.text))) w.resolve();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // A CLI that never exits fails its test (exit null) instead of hanging it.
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve(code);
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    printed: (text) =>
      stdout.includes(text)
        ? Promise.resolve()
        : new Promise((resolve) => watchers.push({ text, resolve })),
  };
}
