/**
 * `npm run chat` as a user runs it: a child process against the local gateway, checked by
 * its stdout, stderr and exit code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../client/index.js';
import { signDevToken } from '../../functions/auth/sign-token.js';
import { chat, sendOnceTo, withStandIn } from '../support/chat-cli.js';
import { joinCrowd } from '../support/crowd.js';
import { startTestParley, TEST_JWT_SECRET, type TestParley } from '../support/parley.js';
import { uid } from '../support/services.js';

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

let parley: TestParley;
beforeAll(async () => {
  // The big-room test's crowd of 101 would otherwise announce each of its joins and leaves
  // to the whole crowd (10,000 presence posts, seconds of work under the next test): past
  // 20 connections a room hears counts, as rooms past PRESENCE_FULL_MAX do.
  parley = await startTestParley({ PRESENCE_FULL_MAX: '20' });
});
afterAll(() => parley.close());

describe('npm run chat', () => {
  it('--send joins, sends, prints the acked message as JSON and exits 0', async () => {
    const room = uid();
    const user = uid('cli');
    const watcher = await parley.connect('watcher');
    await watcher.join(room);
    const run = chat(['--url', parley.url, '--user', user, '--room', room, '--send', 'hi there']);
    expect(await run.exit).toBe(0);
    const message = JSON.parse(run.stdout()) as Message;
    expect(message).toMatchObject({ roomId: room, seq: 1, userId: user, content: 'hi there' });
    expect(message.clientMsgId).toEqual(expect.any(String));
    const delivered = await watcher.nextMessage(room, 'hi there');
    expect(delivered.message).toEqual(message);
    await watcher.close();
  });

  it('accepts --token as well', async () => {
    const room = uid();
    const token = await parley.token('tokened');
    const run = chat(['--url', parley.url, '--token', token, '--room', room, '--send', 'x']);
    expect(await run.exit).toBe(0);
    expect(JSON.parse(run.stdout())).toMatchObject({ userId: 'tokened', content: 'x' });
  });

  it('exits 3 with unauthorized for a token the server refuses', async () => {
    const run = chat(['--url', parley.url, '--token', 'not-a-jwt', '--room', uid(), '--send', 'x']);
    expect(await run.exit).toBe(3);
    expect(run.stderr()).toContain('unauthorized');
    expect(run.stderr()).toContain('malformed');
    expect(run.stdout()).toBe('');
  });

  const now = () => Math.floor(Date.now() / 1000);
  const secret = new TextEncoder().encode(TEST_JWT_SECRET);
  it.each([
    [
      'expired',
      () => signDevToken(TEST_JWT_SECRET, 'u', { expiresIn: now() - 60 }),
      'expired: "exp" claim timestamp check failed',
    ],
    [
      'signed with another secret',
      () => signDevToken('another-servers-secret', 'u'),
      'bad_signature: signature verification failed',
    ],
    [
      'without sub',
      () =>
        new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret),
      'missing_claim: missing required "sub" claim',
    ],
  ])('says why a token %s is refused, and exits 3', async (_, mint, reason) => {
    const run = chat([
      '--url',
      parley.url,
      '--token',
      await mint(),
      '--room',
      uid(),
      '--send',
      'x',
    ]);
    expect(await run.exit).toBe(3);
    expect(run.stderr()).toContain(
      `error: unauthorized: The server refused the token (HTTP 401: ${reason})`,
    );
    expect(run.stderr()).not.toContain(TEST_JWT_SECRET);
  });

  it('with --user, a refusal says which secret signed the token', async () => {
    const run = chat(['--url', parley.url, '--user', 'u', '--room', uid(), '--send', 'x'], {
      JWT_SECRET: 'not-the-servers',
    });
    expect(await run.exit).toBe(3);
    expect(run.stderr()).toContain('bad_signature');
    expect(run.stderr()).toContain('the token was signed with JWT_SECRET');
  });

  it('with --user and no secret to sign with, exits 2 saying where it looked', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'parley-cli-'));
    try {
      const run = chat(['--url', parley.url, '--user', 'u', '--room', uid(), '--send', 'x'], {
        JWT_SECRET: '',
        DATA_DIR: empty,
      });
      expect(await run.exit).toBe(2);
      expect(run.stderr()).toContain(`no dev server secret in ${path.join(empty, 'jwt-secret')}`);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('exits 4 with payload_too_large for a message over the frame limit, without looping', async () => {
    const room = uid();
    const run = chat([
      '--url',
      parley.url,
      '--user',
      'u',
      '--room',
      room,
      '--send',
      'x'.repeat(40_000),
    ]);
    expect(await run.exit).toBe(4);
    expect(run.stderr()).toContain('error: payload_too_large');
    expect(run.stdout()).toBe('');
  });

  it.each([
    ['without ws://', '127.0.0.1:3001'],
    ['with http://', 'http://127.0.0.1:3001'],
    ['that is not a URL', 'ws//nowhere'],
  ])('exits 2 with one line for a URL %s, not a stack', async (_, url) => {
    const run = chat(['--url', url, '--user', 'u', '--room', 'r', '--send', 'x']);
    expect(await run.exit).toBe(2);
    expect(run.stderr().split('\n')[0]).toBe(
      `--url must be a ws:// or wss:// URL, e.g. ws://127.0.0.1:3001 (got ${url})`,
    );
    expect(run.stderr()).not.toMatch(/TypeError|\n\s+at /);
  });

  it('exits 3 with unavailable when nothing listens at the URL', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}`;
    const run = chat(['--url', url, '--user', 'u', '--room', uid(), '--send', 'x']);
    expect(await run.exit).toBe(3);
    expect(run.stderr()).toContain('unavailable');
  });

  it('exits 3 when a one-shot send keeps losing its connection', async () => {
    // Accepts every connection and closes it at once: the SDK alone would retry for ever.
    await withStandIn(
      (socket) => socket.close(1011, 'going down'),
      async (port) => {
        const run = sendOnceTo(port);
        expect(await run.exit).toBe(3);
        expect(run.stderr()).toContain('the connection dropped 3 times');
      },
    );
  });

  it('exits 4 with timeout when the server never answers', async () => {
    await withStandIn(undefined, async (port) => {
      const run = sendOnceTo(port);
      expect(await run.exit).toBe(4);
      expect(run.stderr()).toContain('error: timeout');
    });
  }, 20_000);

  it('exits 4 with the server error code when the send is refused', async () => {
    const run = chat([
      '--url',
      parley.url,
      '--user',
      'u',
      '--room',
      uid(),
      '--send',
      'x'.repeat(4001),
    ]);
    expect(await run.exit).toBe(4);
    expect(run.stderr()).toContain('payload_too_large');
  });

  it.each([
    ['no arguments', []],
    ['no room', ['--url', 'ws://127.0.0.1:1', '--user', 'u']],
    ['both --token and --user', ['--url', 'ws://x', '--token', 't', '--user', 'u', '--room', 'r']],
    ['neither --token nor --user', ['--url', 'ws://x', '--room', 'r']],
    ['an unknown option', ['--url', 'ws://x', '--user', 'u', '--room', 'r', '--shout']],
  ])('exits 2 with usage on %s', async (_, args) => {
    const run = chat(args);
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('usage: npm run chat');
  });

  it('interactive, in a big room: says how many more are online than the reply lists', async () => {
    const room = uid();
    const crowd = await joinCrowd(parley, room, 101);
    try {
      const run = chat(['--url', parley.url, '--user', 'bob', '--room', room]);
      // 102 online, 100 listed (bob, then 99 of the crowd).
      await run.printed(' and 2 more; /quit to leave');
      expect(run.stdout()).toMatch(
        new RegExp(`\\* joined ${room}; online: bob, (crowd-\\d{3}, ){98}crowd-\\d{3} and 2 more;`),
      );
      run.child.stdin?.write('/quit\n');
      expect(await run.exit).toBe(0);
    } finally {
      await Promise.all(crowd.map((user) => user.close()));
    }
  });

  it('interactive: prints history and presence, sends typed lines, /quit exits 0', async () => {
    const room = uid();
    const alice = await parley.connect('alice');
    expect(await alice.joinWhenAvailable(room)).toMatchObject({ type: 'room_history' });
    await alice.send(room, 'earlier message');
    const run = chat(['--url', parley.url, '--user', 'bob', '--room', room]);
    await run.printed('alice: earlier message');
    await run.printed(`* joined ${room}; online: `);
    run.child.stdin?.write('hello from the terminal\n');
    await alice.nextMessage(room, 'hello from the terminal');
    await run.printed('bob: hello from the terminal');
    await alice.send(room, 'reply');
    await run.printed('alice: reply');
    await alice.close();
    await run.printed('* alice is offline');
    run.child.stdin?.write('/quit\n');
    expect(await run.exit).toBe(0);
  });
});
