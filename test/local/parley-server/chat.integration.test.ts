/**
 * protocol.md v1 end to end: real WebSocket clients, the local gateway, the real
 * Management API client, PostgreSQL, Redis and a DynamoDB-compatible server.
 */
import {
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signDevToken } from '../../../functions/auth/sign-token.js';
import type { Message } from '../../../functions/core/message.js';
import { DynamoConnectionStore } from '../../../functions/stores/dynamodb/connection-store.js';
import { ChatClient } from '../../support/chat-client.js';
import { startTestParley, TEST_JWT_SECRET, type TestParley } from '../../support/parley.js';
import { testDynamo, uid } from '../../support/services.js';

const seqs = (messages: Message[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Every flow runs twice: handlers posting through the real Management API client (as on
// AWS) and through the dev server's in-process sender.
describe.each(['sdk', 'direct'] as const)('with the %s sender', (sender) => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({}, { sender });
  });
  afterAll(() => parley.close());

  describe('handshake', () => {
    const refused = async (token: string | undefined) => {
      const error = await ChatClient.connect(parley.url, token).catch(
        (e: { status?: number }) => e,
      );
      return (error as { status?: number }).status;
    };
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);

    it('refuses a missing, malformed, expired or wrongly signed token with 401 and stores nothing', async () => {
      const user = uid('intruder');
      const expired = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user)
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(secret);
      const wrongKey = await signDevToken('not-the-secret', user);
      const noExp = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user)
        .sign(secret);
      expect(await refused(undefined)).toBe(401);
      expect(await refused('not-a-jwt')).toBe(401);
      expect(await refused(expired)).toBe(401);
      expect(await refused(wrongKey)).toBe(401);
      expect(await refused(noExp)).toBe(401);

      const dynamo = testDynamo();
      const { Items } = await dynamo.send(
        new ScanCommand({
          TableName: inject('connectionsTable'),
          FilterExpression: 'userId = :u',
          ExpressionAttributeValues: { ':u': { S: user } },
        }),
      );
      dynamo.destroy();
      expect(Items).toEqual([]);
    });

    it('binds the user from the token, whatever a frame claims', async () => {
      const room = uid();
      const alice = await parley.connect('alice');
      await alice.join(room);
      const reply = await alice.request({
        action: 'send_message',
        roomId: room,
        content: 'who am I',
        userId: 'mallory',
      });
      expect((reply.message as Message).userId).toBe('alice');
      await alice.close();
    });
  });

  describe('rooms and messages', () => {
    it('joins, sends, acks once durable, and fans out to every other member only', async () => {
      const room = uid();
      const elsewhere = uid();
      const [alice, bob, carol, dave] = await Promise.all(
        ['alice', 'bob', 'carol', 'dave'].map((u) => parley.connect(u)),
      );
      const joined = await alice!.join(room);
      expect(joined).toMatchObject({
        type: 'room_history',
        roomId: room,
        messages: [],
        hasMore: false,
        online: ['alice'],
        onlineCount: 1,
        lastSeq: 0,
      });
      await bob!.join(room);
      await carol!.join(room);
      await dave!.join(elsewhere);

      const message = await alice!.send(room, 'hello');
      expect(message).toMatchObject({ roomId: room, seq: 1, userId: 'alice', content: 'hello' });
      expect(new Date(message.createdAt).toISOString()).toBe(message.createdAt);
      const [atBob, atCarol] = await Promise.all([
        bob!.nextMessage(room, 'hello'),
        carol!.nextMessage(room, 'hello'),
      ]);
      expect(atBob.message).toEqual(message);
      expect(atCarol.message).toEqual(message);

      // A barrier: dave's own room's message arrives after anything from the first send would.
      const daveFriend = await parley.connect('erin');
      await daveFriend.join(elsewhere);
      await daveFriend.send(elsewhere, 'barrier');
      await dave!.nextMessage(elsewhere, 'barrier');
      expect(dave!.received(room)).toEqual([]);
      expect(alice!.received(room)).toEqual([]);
      expect(alice!.frames.filter((f) => f.type === 'ack')).toHaveLength(1);

      for (const c of [alice, bob, carol, dave, daveFriend]) await c!.close();
    });

    it('refuses to send to or read a room before joining it', async () => {
      const room = uid();
      const alice = await parley.connect('alice');
      const send = await alice.request({ action: 'send_message', roomId: room, content: 'x' });
      expect(send).toMatchObject({ type: 'error', code: 'forbidden' });
      const read = await alice.request({ action: 'get_history', roomId: room });
      expect(read).toMatchObject({ type: 'error', code: 'forbidden' });
      await alice.close();
    });

    it('stores and delivers a retried clientMsgId once, acking the same message', async () => {
      const room = uid();
      const [alice, bob] = await Promise.all([parley.connect('alice'), parley.connect('bob')]);
      await alice.join(room);
      await bob.join(room);
      const first = await alice.send(room, 'once', 'key-1');
      const again = await alice.send(room, 'once', 'key-1');
      expect(again).toEqual(first);
      await alice.send(room, 'barrier');
      await bob.nextMessage(room, 'barrier');
      expect(bob.received(room).map((m) => m.content)).toEqual(['once', 'barrier']);
      expect(seqs(bob.received(room))).toEqual([1, 2]);
      await alice.close();
      await bob.close();
    });

    it('keeps seqs gap-free with 2 senders x 50 concurrent messages', async () => {
      const room = uid();
      const [alice, bob, watcher] = await Promise.all(
        ['alice', 'bob', 'watcher'].map((u) => parley.connect(u)),
      );
      for (const c of [alice, bob, watcher]) await c!.join(room);
      const sends = range(1, 50).flatMap((i) => [
        alice!.send(room, `a${i}`, `a${i}`),
        bob!.send(room, `b${i}`, `b${i}`),
      ]);
      const acked = await Promise.all(sends);
      expect(seqs(acked).sort((a, b) => a - b)).toEqual(range(1, 100));
      await watcher!.next(() => watcher!.received(room).length === 100);
      const seen = watcher!.received(room);
      expect(new Set(seqs(seen)).size).toBe(100);
      expect([...seqs(seen)].sort((a, b) => a - b)).toEqual(range(1, 100));
      for (const c of [alice, bob, watcher]) await c!.close();
    });

    it('pages history back to seq 1 and resumes a join with since', async () => {
      const room = uid();
      const alice = await parley.connect('alice');
      await alice.join(room);
      for (let i = 1; i <= 130; i++) await alice.send(room, `m${i}`);

      const collected: Message[] = [];
      let page = await alice.request({ action: 'get_history', roomId: room, limit: 40 });
      collected.unshift(...(page.messages as Message[]));
      while (page.hasMore) {
        const before = (page.messages as Message[])[0]!.seq;
        page = await alice.request({ action: 'get_history', roomId: room, before, limit: 40 });
        collected.unshift(...(page.messages as Message[]));
      }
      expect(seqs(collected)).toEqual(range(1, 130));

      const forward = await alice.request({
        action: 'get_history',
        roomId: room,
        after: 5,
        limit: 3,
      });
      expect(seqs(forward.messages as Message[])).toEqual([6, 7, 8]);
      expect(forward.hasMore).toBe(true);
      const both = await alice.request({
        action: 'get_history',
        roomId: room,
        after: 1,
        before: 9,
      });
      expect(both).toMatchObject({ type: 'error', code: 'bad_request' });

      const bob = await parley.connect('bob');
      const resumed = await bob.join(room, { since: 120 });
      expect(seqs(resumed.messages as Message[])).toEqual(range(121, 130));
      expect(resumed).toMatchObject({ hasMore: false, lastSeq: 130 });
      const newest = await bob.join(room, { limit: 5 });
      expect(seqs(newest.messages as Message[])).toEqual(range(126, 130));
      expect(newest.hasMore).toBe(true);
      await alice.close();
      await bob.close();
    });
  });

  describe('presence and leaving', () => {
    it('announces a user online on their first connection and offline when their last one closes', async () => {
      const room = uid();
      const alice = await parley.connect('alice');
      await alice.join(room);
      const bob1 = await parley.connect('bob');
      const joined = await bob1.join(room);
      expect((joined.online as string[]).sort()).toEqual(['alice', 'bob']);
      await alice.next((f) => f.type === 'presence' && f.userId === 'bob' && f.status === 'online');

      const bob2 = await parley.connect('bob');
      await bob2.join(room);
      await bob1.close();
      await bob2.close();
      const offline = await alice.next(
        (f) => f.type === 'presence' && f.userId === 'bob' && f.status === 'offline',
      );
      expect(offline).toEqual({
        type: 'presence',
        roomId: room,
        userId: 'bob',
        status: 'offline',
        lastSeen: expect.any(String),
      });
      // One online and one offline, though bob had two connections.
      expect(alice.frames.filter((f) => f.type === 'presence' && f.userId === 'bob')).toHaveLength(
        2,
      );
      await alice.close();
    });

    it('leaves a room: left, no more messages from it, offline to the others', async () => {
      const room = uid();
      const [alice, bob] = await Promise.all([parley.connect('alice'), parley.connect('bob')]);
      await alice.join(room);
      await bob.join(room);
      expect(await bob.request({ action: 'leave_room', roomId: room })).toMatchObject({
        type: 'left',
        roomId: room,
      });
      await alice.next(
        (f) => f.type === 'presence' && f.userId === 'bob' && f.status === 'offline',
      );
      await alice.send(room, 'after bob left');
      const send = await bob.request({ action: 'send_message', roomId: room, content: 'x' });
      expect(send).toMatchObject({ type: 'error', code: 'forbidden' });
      expect(bob.received(room)).toEqual([]);
      // Leaving again is harmless.
      expect(await bob.request({ action: 'leave_room', roomId: room })).toMatchObject({
        type: 'left',
      });
      await alice.close();
      await bob.close();
    });
  });

  describe('the Management API', () => {
    it('answers 410 GoneException for closed and unknown connections, through the real SDK client', async () => {
      const alice = await parley.connect('alice');
      const room = uid();
      await alice.join(room);
      const dynamo = testDynamo();
      const store = new DynamoConnectionStore(dynamo, inject('connectionsTable'));
      const [entry] = await store.roomConnections(room);
      dynamo.destroy();
      const client = parley.management();
      const connectionId = entry!.connectionId;
      const described = await client.send(new GetConnectionCommand({ ConnectionId: connectionId }));
      expect(described.ConnectedAt).toBeInstanceOf(Date);
      await client.send(
        new PostToConnectionCommand({
          ConnectionId: connectionId,
          Data: Buffer.from('{"type":"ping"}'),
        }),
      );
      await alice.next((f) => f.type === 'ping');

      await alice.close();
      for (const id of [connectionId, 'AAAAAAAAAAAAAAAAAAAA']) {
        await expect(
          client.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('x') })),
        ).rejects.toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
        await expect(
          client.send(new GetConnectionCommand({ ConnectionId: id })),
        ).rejects.toMatchObject({
          name: 'GoneException',
        });
      }
      client.destroy();
    });
  });
});
