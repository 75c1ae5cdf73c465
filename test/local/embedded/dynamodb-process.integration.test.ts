/**
 * `npm run dev`'s embedded DynamoDB-compatible server runs in a process of its own (as
 * DynamoDB is not in the Lambda's process on AWS), and it does not outlive the dev server,
 * even one killed with SIGKILL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, inject, it } from 'vitest';
import { freePort } from '../../support/dev-process.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** The process holding the socket that listens on 127.0.0.1:`port`, from /proc. */
function listenerPid(port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inode = readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A')?.[9];
  if (!inode) return undefined;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return Number(pid);
      } catch {
        // closed since the listing
      }
    }
  }
  return undefined;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('runs dynalite in another process, which dies with a SIGKILLed dev server', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'parley-dev-dynamo-'));
  dirs.push(dataDir);
  await chmod(dataDir, 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(await freePort()),
    DATABASE_URL: inject('databaseUrl'),
  };
  // The in-process Redis stand-in and the embedded DynamoDB: nothing shared is touched.
  for (const key of ['REDIS_URL', 'DYNAMODB_ENDPOINT', 'JWT_SECRET']) delete env[key];
  const dev = spawn(process.execPath, ['--import', 'tsx', 'local/dev.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(dev);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/ready in \d+ ms/.test(output)) resolve();
    };
    dev.stdout?.on('data', onData);
    dev.stderr?.on('data', onData);
    dev.once('exit', (code) => reject(new Error(`dev server exited ${code}:\n${output}`)));
  });

  const endpoint = /dynalite\) ready at http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
  expect(endpoint, output).not.toBeNull();
  const owner = listenerPid(Number(endpoint?.[1]));
  expect(owner).toBeDefined();
  expect(owner).not.toBe(dev.pid);
  // It answers as DynamoDB does.
  const res = await fetch(`http://127.0.0.1:${endpoint?.[1]}/`, {
    method: 'POST',
    headers: {
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      'content-type': 'application/x-amz-json-1.0',
    },
    body: '{}',
  });
  expect(res.status).not.toBe(404);

  dev.kill('SIGKILL');
  const deadline = Date.now() + 15_000;
  while (owner !== undefined && alive(owner) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(owner !== undefined && alive(owner)).toBe(false);
}, 120_000);
