/**
 * The SDK's resume guarantee end to end: the local gateway kills the SDK client's
 * connection (DELETE /@connections/{id}, then a whole server restart on the same port)
 * while another client keeps sending; the SDK client ends with every message exactly
 * once, in seq order, and a send made during the outage is stored and acked once.
 *
 * The SDK client's token is a function gated by the test: while the gate is shut the
 * client cannot reconnect, so the messages sent meanwhile can only reach it by resuming.
 */
import { DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type ConnectionState,
  connect,
  type Message,
  type ParleyClient,
} from '../../client/index.js';
import { DynamoConnectionStore } from '../../functions/stores/dynamodb/connection-store.js';
import { type ParleyServer, startParleyServer } from '../../local/parley-server.js';
import type { ChatClient } from '../support/chat-client.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { testDynamo, testPool, uid } from '../support/services.js';

/** A gate the SDK client's token function waits at. */
class Gate {
  private opened: Promise<void> = Promise.resolve();
  private release = () => {};
  calls = 0;
  private callWaiters: { n: number; resolve: () => void }[] = [];

  shut(): void {
    this.opened = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    this.release();
  }

  /** The token function: counts calls, then waits while the gate is shut. */
  async pass(token: string): Promise<string> {
    this.calls += 1;
    for (const w of this.callWaiters.filter((w) => this.calls >= w.n)) w.resolve();
    await this.opened;
    return token;
  }

  /** Resolves once the token function has been called `n` times in all. */
  called(n: number): Promise<void> {
    if (this.calls >= n) return Promise.resolve();
    return new Promise((resolve) => this.callWaiters.push({ n, resolve }));
  }
}

/** Everything the SDK client emits for one room, and a way to wait for a seq. */
function record(client: ParleyClient, roomId: string) {
  const messages: Message[] = [];
  const states: ConnectionState[] = [];
  const waiters: { seq: number; resolve: () => void }[] = [];
  client.on('state', (s) => states.push(s));
  client.on('message', (m) => {
    if (m.roomId !== roomId) return;
    messages.push(m);
    for (const w of waiters.filter((w) => m.seq >= w.seq)) w.resolve();
  });
  return {
    messages,
    states,
    seqs: () => messages.map((m) => m.seq),
    reached: (seq: number) =>
      messages.some((m) => m.seq >= seq)
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ seq, resolve })),
  };
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function connectionIdOf(roomId: string, userId: string): Promise<string> {
  const dynamo = testDynamo();
  try {
    const store = new DynamoConnectionStore(dynamo, inject('connectionsTable'));
    const mine = (await store.roomConnections(roomId)).filter((c) => c.userId === userId);
    if (mine.length !== 1)
      throw new Error(`expected one connection of ${userId}, got ${mine.length}`);
    return mine[0]!.connectionId;
  } finally {
    dynamo.destroy();
  }
}

async function sendAll(sender: ChatClient, roomId: string, from: number, to: number) {
  for (let i = from; i <= to; i++) await sender.send(roomId, `m${i}`);
}

let parley: TestParley;
const cleanups: (() => Promise<unknown>)[] = [];
/** Servers started by the restart test on parley's port; later tests use them. */
const restarted: ParleyServer[] = [];

afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((c) => c()));
});

/** The SDK client under test, joined to a fresh room, with a gated token. */
async function sdkClient(userId: string, roomId: string) {
  const gate = new Gate();
  const token = await parley.token(userId);
  const client = connect({
    url: parley.url,
    token: () => gate.pass(token),
    // Short delays keep the test quick; the schedule itself is unit-tested.
    reconnect: { initialDelayMs: 10, maxDelayMs: 100 },
  });
  cleanups.push(() => client.close());
  const log = record(client, roomId);
  await client.join(roomId);
  return { client, gate, log };
}

async function chatClient(userId: string, roomId: string): Promise<ChatClient> {
  const chat = await parley.connect(userId);
  cleanups.push(() => chat.close());
  await chat.join(roomId);
  return chat;
}

// Handlers posting through the real Management API client (as on AWS) and through the dev
// server's in-process sender (npm run dev's default).
describe.each(['sdk', 'direct'] as const)(
  'SDK resume against the local gateway, %s sender',
  (sender) => {
    beforeAll(async () => {
      parley = await startTestParley({}, { sender });
    });
    afterAll(async () => {
      for (const server of restarted.splice(0)) await server.close();
      await parley.close();
    });

    it('after DELETE /@connections/{id} mid-conversation: every message once, in seq order', async () => {
      const room = uid();
      const bob = uid('bob');
      const alice = await chatClient(uid('alice'), room);
      const { client, gate, log } = await sdkClient(bob, room);

      await sendAll(alice, room, 1, 10);
      await log.reached(10);

      gate.shut();
      const before = await connectionIdOf(room, bob);
      await parley.management().send(new DeleteConnectionCommand({ ConnectionId: before }));
      await gate.called(2); // the client noticed and is trying to reconnect
      expect(client.state).toBe('reconnecting');

      await sendAll(alice, room, 11, 25); // bob is offline for all of these
      gate.open();
      await sendAll(alice, room, 26, 40); // and these race with his rejoin
      await log.reached(40);

      expect(log.seqs()).toEqual(range(1, 40));
      expect(log.messages.map((m) => m.content)).toEqual(range(1, 40).map((i) => `m${i}`));
      expect(log.states).toEqual(['open', 'reconnecting', 'open']);
      expect(await connectionIdOf(room, bob)).not.toBe(before);
      expect(client.lastSeq(room)).toBe(40);
    });

    it('across a full server restart on the same port: every message once, in seq order', async () => {
      const room = uid();
      const bob = uid('bob');
      const aliceId = uid('alice');
      const alice = await chatClient(aliceId, room);
      const { client, gate, log } = await sdkClient(bob, room);
      await sendAll(alice, room, 1, 10);
      await log.reached(10);

      const port = parley.server.gateway.port;
      await parley.server.close(); // every connection closes with 1001
      await gate.called(3); // a reconnect attempt while the server is down...
      gate.shut();
      await gate.called(4); // ...was refused, and the next one waits at the gate
      restarted.push(await startParleyServer({ port, env: parley.env, log: () => {}, sender }));

      const alice2 = await chatClient(aliceId, room);
      await sendAll(alice2, room, 11, 25);
      gate.open();
      await sendAll(alice2, room, 26, 40);
      await log.reached(40);

      expect(log.seqs()).toEqual(range(1, 40));
      expect(log.messages.map((m) => m.content)).toEqual(range(1, 40).map((i) => `m${i}`));
      expect(log.states.filter((s) => s === 'open')).toHaveLength(2);
      expect(client.state).toBe('open');
      expect((await alice.closed).code).toBe(1001);
    });

    it('acks a send made during the outage exactly once, and a retried clientMsgId returns the stored message', async () => {
      const room = uid();
      const bob = uid('bob');
      const alice = await chatClient(uid('alice'), room);
      const { client, gate, log } = await sdkClient(bob, room);

      gate.shut();
      await parley
        .management()
        .send(new DeleteConnectionCommand({ ConnectionId: await connectionIdOf(room, bob) }));
      await gate.called(2);
      const sending = client.send(room, 'sent while offline');
      gate.open();
      const acked = await sending;
      expect(acked).toMatchObject({ seq: 1, userId: bob, content: 'sent while offline' });
      await alice.nextMessage(room, 'sent while offline');

      // What a caller whose ack was lost would do: the same clientMsgId again.
      const again = await client.send(room, 'sent while offline', {
        clientMsgId: acked.clientMsgId,
      });
      expect(again).toEqual(acked);

      await alice.send(room, 'after');
      await log.reached(2);
      const pool = testPool();
      const { rows } = await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM messages WHERE room_id = $1',
        [room],
      );
      await pool.end();
      expect(rows[0]?.n).toBe('2');
      expect(alice.received(room).map((m) => m.content)).toEqual(['sent while offline']);
      expect(log.messages.map((m) => m.content)).toEqual(['sent while offline', 'after']);
    });

    it('stops with unauthorized when the gateway refuses a fixed token (401), using the default ws', async () => {
      const client = connect({ url: parley.url, token: 'not-a-jwt' });
      cleanups.push(() => client.close());
      const errors: string[] = [];
      client.on('error', (e) => errors.push(e.code));
      await expect(client.join(uid())).rejects.toMatchObject({ code: 'unauthorized' });
      expect(client.state).toBe('closed');
      expect(errors).toEqual(['unauthorized']);
    });
  },
);
