/**
 * How `npm run dev` starts, refuses to start and tells the user: one server per DATA_DIR,
 * a stale lock taken over, every start-up failure one line and exit 1, and a banner whose
 * token and chat commands work as printed. Dev servers run as child processes on a temp
 * DATA_DIR and free ports, and are killed if they do not stop by themselves.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../functions/auth/sign-token.js';
import { ChatClient } from '../support/chat-client.js';
import { type DevRun, freePort, startDev, stopDev, userEnv } from '../support/dev-process.js';
import { uid } from '../support/services.js';

const execFileAsync = promisify(execFile);
let root: string;
let dataDir: string;
const running: DevRun[] = [];

function dev(dir: string, port: number, env: Record<string, string> = {}): DevRun {
  const run = startDev(dir, port, env);
  running.push(run);
  return run;
}

/** The first line the server wrote to stderr that is its own (not a library's warning). */
function firstOwnErrorLine(run: DevRun): string | undefined {
  return run
    .stderr()
    .split('\n')
    .find((line) => line.startsWith('[parley]'));
}

/** Runs a command line as a user's shell would, in the repository, with `env` only. */
function shell(command: string, env: NodeJS.ProcessEnv) {
  return execFileAsync('sh', ['-c', command], { env, cwd: process.cwd(), timeout: 60_000 });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'parley-dev-start-'));
  // As root, the embedded PostgreSQL runs as the postgres user, which must reach the dir.
  await chmod(root, 0o755);
  dataDir = path.join(root, 'data');
});

afterAll(async () => {
  await Promise.all(running.map((run) => stopDev(run)));
  await rm(root, { recursive: true, force: true });
});

describe('npm run dev on one DATA_DIR', () => {
  let first: DevRun;
  let port: number;

  it('a second server exits 1 naming the first, which keeps serving', async () => {
    port = await freePort();
    first = dev(dataDir, port);
    await first.ready;
    const second = dev(dataDir, await freePort());
    expect(await second.exit).toBe(1);
    expect(firstOwnErrorLine(second)).toBe(
      `[parley] cannot start: ${dataDir} is in use by another dev server (pid ${first.child.pid}, ws://127.0.0.1:${port}); fix: stop that one first, or start this one with another DATA_DIR`,
    );
    expect(second.output()).not.toMatch(/\n\s+at /);
    expect(second.output()).not.toContain('[postgres]');
    // The first one's stores were not touched: a send is stored and acked.
    const secret = (await readFile(path.join(dataDir, 'jwt-secret'), 'utf8')).trim();
    const alice = await ChatClient.connect(
      `ws://127.0.0.1:${port}`,
      await signDevToken(secret, 'alice'),
    );
    const room = uid();
    await alice.join(room);
    expect(await alice.send(room, 'still here')).toMatchObject({ seq: 1 });
    await alice.close();
  }, 120_000);

  it("the banner's token and chat commands work as printed, without DATA_DIR set", async () => {
    const tokenCommand = /a token for anyone else: (.+)\):\n/.exec(first.output())?.[1];
    const chatCommand = /or chat in a terminal: (.+)\n/.exec(first.output())?.[1];
    expect(tokenCommand).toBe(`DATA_DIR=${dataDir} npm run token -- bob`);
    expect(chatCommand).toBe(
      `DATA_DIR=${dataDir} npm run chat -- --url ws://127.0.0.1:${port} --user bob --room general`,
    );
    const env = userEnv();
    const token = (await shell(`${tokenCommand}`, env)).stdout.trim().split('\n').at(-1) ?? '';
    const bob = await ChatClient.connect(`ws://127.0.0.1:${port}`, token);
    await bob.close();
    const sent = await shell(`${chatCommand} --send hi`, env);
    expect(JSON.parse(sent.stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({
      userId: 'bob',
      content: 'hi',
    });
  }, 120_000);

  it('npm run token says when no server runs on the DATA_DIR it signed for', async () => {
    const other = path.join(root, 'elsewhere');
    const { stdout, stderr } = await shell('npm run -s token -- bob', userEnv({ DATA_DIR: other }));
    expect(stdout.trim()).toMatch(/^eyJ/);
    expect(stderr).toContain(
      `note: made a new secret in ${path.join(other, 'jwt-secret')}, but no dev server is running on ${other}`,
    );
  }, 60_000);

  it('a lock left by a killed server is taken over with a notice, and the data kept', async () => {
    first.child.kill('SIGKILL');
    await first.exit;
    const again = dev(dataDir, port);
    await again.ready;
    expect(again.output()).toContain(
      `taking over ${path.join(dataDir, 'dev-server.lock')}: its dev server (pid ${first.child.pid}) is no longer running`,
    );
    const secret = (await readFile(path.join(dataDir, 'jwt-secret'), 'utf8')).trim();
    const carol = await ChatClient.connect(
      `ws://127.0.0.1:${port}`,
      await signDevToken(secret, 'carol'),
    );
    await carol.close();
    expect(await stopDev(again)).toBe(0);
    expect(existsSync(path.join(dataDir, 'dev-server.lock'))).toBe(false);
  }, 120_000);

  it('a failure after the stores started exits 1 with one line and stops them', async () => {
    const taken = createServer();
    const busy = await freePort();
    await new Promise<void>((resolve) => taken.listen(busy, '127.0.0.1', resolve));
    try {
      const run = dev(dataDir, busy);
      expect(await run.exit).toBe(1);
      expect(firstOwnErrorLine(run)).toBe(
        `[parley] cannot start: port ${busy} is already in use; fix: stop what listens there, or start with PORT=<another port>`,
      );
      expect(run.output()).not.toMatch(/\n\s+at /);
      // PostgreSQL was stopped cleanly (its pid file goes with it), and the lock released.
      expect(run.output()).toContain('[postgres] stopped');
      expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
      expect(existsSync(path.join(dataDir, 'dev-server.lock'))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 120_000);
});

describe('start-up failures', () => {
  it('a DATA_DIR that is a file: exit 1, one line with the fix', async () => {
    const file = path.join(root, 'a-file');
    await writeFile(file, 'not a directory');
    const run = dev(file, await freePort());
    expect(await run.exit).toBe(1);
    expect(firstOwnErrorLine(run)).toBe(
      `[parley] cannot start: DATA_DIR ${file} is not a directory; fix: point DATA_DIR at a directory (it is created if missing)`,
    );
    expect(run.output()).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('a private DATA_DIR: exit 1, and the fix (chmod o+x as root) comes first', async () => {
    const locked = path.join(root, 'private');
    await mkdir(locked, { mode: 0o700 });
    const asRoot = process.getuid?.() === 0;
    // As root PostgreSQL runs as `postgres`, which cannot enter a 0700 directory; as a
    // normal user, a directory without write permission cannot hold DATA_DIR.
    if (!asRoot) await chmod(locked, 0o500);
    const run = dev(path.join(locked, 'data'), await freePort());
    expect(await run.exit).toBe(1);
    const line = firstOwnErrorLine(run);
    if (asRoot) {
      expect(line).toBe(
        `[parley] cannot start: PostgreSQL runs as the user 'postgres' when you are root, and 'postgres' cannot enter ${locked}; fix: chmod o+x ${locked} (and any private directory above DATA_DIR), choose a DATA_DIR outside it, or run as a normal user`,
      );
    } else {
      expect(line).toMatch(/^\[parley\] cannot start: permission denied: .*; fix: /);
    }
    expect(run.output()).not.toMatch(/\n\s+at /);
    await chmod(locked, 0o700);
  }, 60_000);
});
