/**
 * `npm run dev` as a user runs it, with nothing configured: embedded PostgreSQL, embedded
 * DynamoDB and the in-process cache stand-in, data in DATA_DIR. Stopping it closes
 * connections with $disconnect; starting it again on the same DATA_DIR keeps every room
 * and message, and seqs continue.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signDevToken } from '../../functions/auth/sign-token.js';
import type { Message } from '../../functions/core/message.js';
import { ChatClient } from '../support/chat-client.js';

const execFileAsync = promisify(execFile);
let dataDir: string;
let port: number;
let running: ChildProcess | undefined;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: chosen } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return chosen;
}

/** Starts the dev server and resolves once it prints its ready line. */
function startDev(): Promise<{ child: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port) };
  for (const key of [
    'DATABASE_URL',
    'REDIS_URL',
    'DYNAMODB_ENDPOINT',
    'JWT_SECRET',
    'CALLBACK_URL',
  ]) {
    delete env[key];
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/dev.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running = child;
  let text = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (/ready in \d+ ms/.test(text)) resolve({ child, output: () => text });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`dev server exited ${code}:\n${text}`)));
  });
}

/** Runs the token command as `npm run token -- USER` does and returns what it prints. */
async function tokenFromCli(userId: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.JWT_SECRET;
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', 'local/token-cli.ts', userId],
    { env },
  );
  return stdout.trim();
}

function stopDev(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'parley-dev-'));
  // As root, the embedded PostgreSQL runs as the postgres user, which must reach the dir.
  await chmod(dataDir, 0o755);
  port = await freePort();
});

afterAll(async () => {
  if (running && running.exitCode === null) await stopDev(running);
  await rm(dataDir, { recursive: true, force: true });
});

it('runs with nothing configured and keeps rooms, messages and seqs across a restart', async () => {
  const first = await startDev();
  expect(first.output()).toMatch(/IN-PROCESS STAND-IN/);
  expect(first.output()).toMatch(/wscat -c "ws:\/\/127\.0\.0\.1:\d+\/\?token=/);
  // The chat page is served on the same port, and the log says where.
  expect(first.output()).toContain(`web chat page: http://127.0.0.1:${port}/`);
  for (const [file, type] of [
    ['/', 'text/html'],
    ['/app.js', 'text/javascript'],
  ] as const) {
    const res = await fetch(`http://127.0.0.1:${port}${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(type);
  }
  const secret = (await readFile(path.join(dataDir, 'jwt-secret'), 'utf8')).trim();
  const url = `ws://127.0.0.1:${port}`;
  // `npm run token -- alice` mints a token from the same DATA_DIR secret.
  const alice = await ChatClient.connect(url, await tokenFromCli('alice'));
  const bob = await ChatClient.connect(url, await signDevToken(secret, 'bob'));
  await alice.join('general');
  await bob.join('general');
  await alice.send('general', 'one');
  await alice.send('general', 'two');

  const code = await stopDev(first.child);
  expect(code).toBe(0);
  expect(first.output()).toMatch(/SIGTERM: closing connections/);
  expect((await alice.closed).code).toBe(1001);
  await bob.closed;

  const second = await startDev();
  const carol = await ChatClient.connect(url, await signDevToken(secret, 'carol'));
  const joined = await carol.join('general');
  expect(joined.lastSeq).toBe(2);
  expect((joined.messages as Message[]).map((m) => m.content)).toEqual(['one', 'two']);
  // $disconnect ran for the connections the first run closed: nobody else is online.
  expect(joined.online).toEqual(['carol']);
  const third = await carol.send('general', 'three');
  expect(third.seq).toBe(3);
  await carol.close();
  expect(await stopDev(second.child)).toBe(0);
}, 120_000);
