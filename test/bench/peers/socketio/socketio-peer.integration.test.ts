/**
 * The Socket.IO benchmark peer on real PostgreSQL and Redis: handshake auth, join, send,
 * fan-out, history from the Redis list and from PostgreSQL, errors, presence, and the
 * standalone process's ready line and clean SIGTERM exit.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  connectPeer,
  type PeerClient,
  type PresenceEvent,
  type SendMessageRequest,
  type ServerToClientEvents,
} from '../../../../bench/peers/socketio/client.js';
import {
  type PeerOptions,
  type RunningPeer,
  startPeer,
} from '../../../../bench/peers/socketio/server.js';
import { signDevToken } from '../../../../functions/auth/sign-token.js';
import {
  deleteKeysUnder,
  testPool,
  testRedis,
  testRedisUrl,
  uid,
} from '../../../support/services.js';

const secret = 'peer-test-secret';
const prefix = `${uid('peer-test')}:`;
const rooms: string[] = [];
const clients: PeerClient[] = [];
let peer: RunningPeer;
let url: string;
/** Errors the peer survived; none are expected. */
const logged: string[] = [];

function room(): string {
  const id = uid('room');
  rooms.push(id);
  return id;
}

async function client(userId: string): Promise<PeerClient> {
  const connected = await connectPeer(url, await signDevToken(secret, userId));
  clients.push(connected);
  return connected;
}

/** Resolves with the next `event` that passes `match`. */
function next<K extends keyof ServerToClientEvents>(
  target: PeerClient,
  event: K,
  match: (payload: Parameters<ServerToClientEvents[K]>[0]) => boolean,
): Promise<Parameters<ServerToClientEvents[K]>[0]> {
  return new Promise((resolve) => {
    const listener = ((payload: Parameters<ServerToClientEvents[K]>[0]) => {
      if (!match(payload)) return;
      target.off(event, listener);
      resolve(payload);
    }) as ServerToClientEvents[K];
    target.on(event, listener);
  });
}

/** A peer on the test database and this file's Redis prefix, logging into `logged`. */
function peerOptions(): PeerOptions {
  return {
    port: 0,
    databaseUrl: inject('databaseUrl'),
    redisUrl: testRedisUrl(),
    redisPrefix: prefix,
    jwtSecret: secret,
    logError: (message, error) => logged.push(`${message}: ${String(error)}`),
  };
}

beforeAll(async () => {
  peer = await startPeer(peerOptions());
  url = `http://127.0.0.1:${peer.port}`;
});

afterAll(async () => {
  for (const c of clients) c.close();
  await peer?.close();
  const redis = testRedis();
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  const pool = testPool();
  await pool.query('DELETE FROM peer_messages WHERE room_id = ANY($1)', [rooms]);
  await pool.end();
  expect(logged).toEqual([]);
});

describe('the Socket.IO peer', () => {
  it('refuses a missing or wrongly signed token at the handshake', async () => {
    await expect(connectPeer(url, '')).rejects.toThrow('unauthorized');
    const forged = await signDevToken('another-secret', 'mallory');
    await expect(connectPeer(url, forged)).rejects.toThrow('unauthorized');
  });

  it('delivers a message to the room, acks the sender, and serves it as history', async () => {
    const roomId = room();
    const alice = await client('alice');
    const bob = await client('bob');

    const aliceJoin = await alice.request('join_room', { roomId });
    expect(aliceJoin).toMatchObject({ type: 'room_history', roomId, messages: [] });
    expect(aliceJoin.type === 'room_history' && aliceJoin.online).toEqual(['alice']);

    const bobOnline = next(alice, 'presence', (e) => e.userId === 'bob');
    const bobJoin = await bob.request('join_room', { roomId, requestId: 'r1' });
    expect(bobJoin).toMatchObject({
      type: 'room_history',
      roomId,
      hasMore: false,
      requestId: 'r1',
    });
    expect(bobJoin.type === 'room_history' && [...(bobJoin.online ?? [])].sort()).toEqual([
      'alice',
      'bob',
    ]);
    expect(await bobOnline).toEqual({ type: 'presence', roomId, userId: 'bob', status: 'online' });

    const delivered = next(bob, 'new_message', (e) => e.message.roomId === roomId);
    const ack = await alice.request('send_message', {
      roomId,
      content: 'hello',
      clientMsgId: 'c1',
    });
    if (ack.type !== 'ack') throw new Error(`expected ack, got ${JSON.stringify(ack)}`);
    expect(ack.message).toMatchObject({
      roomId,
      userId: 'alice',
      content: 'hello',
      clientMsgId: 'c1',
      seq: ack.message.id,
    });
    expect(new Date(ack.message.createdAt).toISOString()).toBe(ack.message.createdAt);
    expect(await delivered).toEqual({ type: 'new_message', message: ack.message });

    // Newest page: from the Redis list.
    const cached = await bob.request('get_history', { roomId });
    expect(cached).toEqual({
      type: 'room_history',
      roomId,
      messages: [ack.message],
      hasMore: false,
    });
    // With a cursor, and once the list is gone: from PostgreSQL, same message.
    const paged = await bob.request('get_history', { roomId, before: ack.message.seq + 1 });
    expect(paged).toEqual(cached);
    const redis = testRedis();
    await redis.del(`${prefix}recent:${roomId}`);
    redis.disconnect();
    expect(await bob.request('get_history', { roomId })).toEqual(cached);
    const rejoin = await bob.request('join_room', { roomId, since: ack.message.seq - 1 });
    expect(rejoin).toMatchObject({ messages: [ack.message], hasMore: false });
  });

  it('pages older messages with hasMore', async () => {
    const roomId = room();
    const carol = await client('carol');
    await carol.request('join_room', { roomId });
    const seqs: number[] = [];
    for (const content of ['one', 'two', 'three']) {
      const reply = await carol.request('send_message', { roomId, content });
      if (reply.type !== 'ack') throw new Error(`expected ack, got ${JSON.stringify(reply)}`);
      seqs.push(reply.message.seq);
    }
    const newest = await carol.request('get_history', { roomId, limit: 2 });
    expect(newest).toMatchObject({ hasMore: true });
    expect(newest.type === 'room_history' && newest.messages.map((m) => m.content)).toEqual([
      'two',
      'three',
    ]);
    const older = await carol.request('get_history', { roomId, before: seqs[1]!, limit: 2 });
    expect(older).toMatchObject({ hasMore: false });
    expect(older.type === 'room_history' && older.messages.map((m) => m.content)).toEqual(['one']);
  });

  it('answers errors without dropping the connection', async () => {
    const roomId = room();
    const dave = await client('dave');
    expect(await dave.request('send_message', { roomId, content: 'x' })).toMatchObject({
      type: 'error',
      code: 'forbidden',
    });
    expect(await dave.request('get_history', { roomId })).toMatchObject({ code: 'forbidden' });
    const malformed: unknown[] = [
      null,
      'text',
      [],
      {},
      { roomId: 'bad room!' },
      { roomId, content: '' },
      { roomId, content: 42 },
      { roomId, content: 'x'.repeat(4001) },
      { roomId, content: 'x', clientMsgId: 'c'.repeat(65) },
    ];
    for (const payload of malformed) {
      const reply = await dave.request('send_message', payload as SendMessageRequest);
      expect(reply).toMatchObject({ type: 'error', code: 'bad_request' });
    }
    expect(await dave.request('join_room', { roomId, limit: 0 })).toMatchObject({
      code: 'bad_request',
    });
    expect(await dave.request('get_history', { roomId, before: 1, after: 1 })).toMatchObject({
      code: 'bad_request',
    });
    // Still connected and serving.
    expect(await dave.request('join_room', { roomId })).toMatchObject({ type: 'room_history' });
  });

  it('announces leaving and disconnecting, and drops the user from presence', async () => {
    const roomId = room();
    const erin = await client('erin');
    const frank = await client('frank');
    await erin.request('join_room', { roomId });
    await frank.request('join_room', { roomId });

    const offline = (userId: string) =>
      next(erin, 'presence', (e: PresenceEvent) => e.userId === userId && e.status === 'offline');
    const frankLeft = offline('frank');
    expect(await frank.request('leave_room', { roomId })).toEqual({ type: 'left', roomId });
    await frankLeft;
    expect(await frank.request('send_message', { roomId, content: 'x' })).toMatchObject({
      code: 'forbidden',
    });

    await frank.request('join_room', { roomId });
    const frankGone = offline('frank');
    frank.close();
    await frankGone;
    const redis = testRedis();
    expect(await redis.hkeys(`${prefix}presence:${roomId}`)).toEqual(['erin']);
    expect(await redis.ttl(`${prefix}presence:${roomId}`)).toBeGreaterThan(0);
    redis.disconnect();
  });
});

describe('two peer processes on one Redis prefix', () => {
  it('fan out to each other through the Redis adapter', async () => {
    const second = await startPeer(peerOptions());
    try {
      const roomId = room();
      const heidi = await client('heidi');
      const ivan = await connectPeer(
        `http://127.0.0.1:${second.port}`,
        await signDevToken(secret, 'ivan'),
      );
      clients.push(ivan);
      await heidi.request('join_room', { roomId });
      const ivanOnline = next(heidi, 'presence', (e) => e.userId === 'ivan');
      const ivanJoin = await ivan.request('join_room', { roomId });
      expect(ivanJoin.type === 'room_history' && [...(ivanJoin.online ?? [])].sort()).toEqual([
        'heidi',
        'ivan',
      ]);
      await ivanOnline;
      const delivered = next(ivan, 'new_message', (e) => e.message.roomId === roomId);
      const ack = await heidi.request('send_message', { roomId, content: 'across' });
      expect(ack.type).toBe('ack');
      expect((await delivered).message).toEqual(ack.type === 'ack' ? ack.message : undefined);
    } finally {
      await second.close();
    }
  });
});

describe('the standalone peer process', () => {
  it('prints its port, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/peers/socketio/server.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        DATABASE_URL: inject('databaseUrl'),
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: prefix,
        JWT_SECRET: secret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, 'exit');
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /peer listening on (\d+)/.exec(output);
          if (match) resolve(Number(match[1]));
        });
        child.once('exit', (code) => reject(new Error(`peer exited early (${code})`)));
      });
      const grace = await connectPeer(
        `http://127.0.0.1:${port}`,
        await signDevToken(secret, 'grace'),
      );
      expect(await grace.request('join_room', { roomId: room() })).toMatchObject({
        type: 'room_history',
      });
      grace.close();
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(stderr).toBe('');
  });
});
