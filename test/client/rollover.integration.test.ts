/**
 * The SDK's rollover against the real server, with the local gateway ending every
 * connection after a few seconds as API Gateway does after 2 hours: a client rolling over
 * before the limit stays `open`, gets every message once, closes its old connection
 * normally, and the room hears no `presence` from it. A client whose connection is closed
 * under it (what API Gateway does at the limit, made at once with DELETE @connections)
 * shows what the rollover saves: the room sees it go offline and come back.
 *
 * Every connection dies `MAX_CONNECTION_MS` after it opened, so each observer connects
 * after the client it watches: it outlives the moment the watched one is replaced.
 */
import { DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { WebSocket as WS } from 'ws';
import {
  type ConnectionState,
  connect,
  type Message,
  type ParleyClient,
  type WebSocketConstructor,
} from '../../client/index.js';
import { DynamoConnectionStore } from '../../functions/stores/dynamodb/connection-store.js';
import type { ChatClient } from '../support/chat-client.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { testDynamo, uid } from '../support/services.js';
import { next } from './live-clients.js';

const MAX_CONNECTION_MS = 5_000;
const ROLLOVER_AFTER_MS = 2_000;

let parley: TestParley;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  parley = await startTestParley({}, { maxConnectionMs: MAX_CONNECTION_MS });
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await parley.close();
});

/** A WebSocket class that records every socket the SDK opens and how each closed. */
function recordingSockets() {
  const sockets: { closed: Promise<number> }[] = [];
  let waiting: { n: number; resolve: () => void }[] = [];
  class Recording extends WS {
    constructor(url: string) {
      super(url);
      const closed = new Promise<number>((resolve) => this.once('close', (code) => resolve(code)));
      sockets.push({ closed });
      for (const w of waiting.filter((w) => sockets.length >= w.n)) w.resolve();
      waiting = waiting.filter((w) => sockets.length < w.n);
    }
  }
  return {
    sockets,
    WebSocket: Recording as unknown as WebSocketConstructor,
    opened: (n: number) =>
      sockets.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ n, resolve })),
  };
}

async function sdkClient(
  userId: string,
  options: { rolloverAfterMs: number; WebSocket?: WebSocketConstructor },
) {
  const token = await parley.token(userId);
  const client = connect({ url: parley.url, token: () => Promise.resolve(token), ...options });
  cleanups.push(() => client.close());
  const states: ConnectionState[] = [];
  const messages: Message[] = [];
  client.on('state', (s) => states.push(s));
  client.on('message', (m) => messages.push(m));
  return { client, states, messages };
}

async function observer(userId: string, roomId: string): Promise<ChatClient> {
  const chat = await parley.connect(userId);
  cleanups.push(() => chat.close());
  const joined = await chat.joinWhenAvailable(roomId);
  expect(joined.type).toBe('room_history');
  return chat;
}

/** Resolves once `userId`'s connection `connectionId` is gone from the connection store. */
async function forgotten(userId: string, connectionId: string): Promise<void> {
  const dynamo = testDynamo();
  try {
    const store = new DynamoConnectionStore(dynamo, inject('connectionsTable'));
    while ((await store.connectionIdsOf(userId)).includes(connectionId)) {
      // Each query is a round trip: the loop waits on the store, not on a timer.
    }
  } finally {
    dynamo.destroy();
  }
}

async function connectionIds(userId: string): Promise<string[]> {
  const dynamo = testDynamo();
  try {
    return await new DynamoConnectionStore(dynamo, inject('connectionsTable')).connectionIdsOf(
      userId,
    );
  } finally {
    dynamo.destroy();
  }
}

function delivered(client: ParleyClient, roomId: string, seq: number): Promise<Message> {
  return next(client, 'message', (m) => m.roomId === roomId && m.seq === seq);
}

describe('connection rollover, end to end', () => {
  it('replaces the connection before the limit: no presence, no loss, still open', async () => {
    const bobId = uid('bob');
    const annId = uid('ann');
    const roomId = uid('roll');
    const recording = recordingSockets();
    const bob = await sdkClient(bobId, {
      rolloverAfterMs: ROLLOVER_AFTER_MS,
      WebSocket: recording.WebSocket,
    });
    await bob.client.createRoom(roomId, { name: 'Rollover' });
    await bob.client.join(roomId);
    const [oldId] = await connectionIds(bobId);
    expect(oldId).toBeDefined();
    const ann = await observer(annId, roomId);

    // Ann talks all through the rollover, each message waiting for Bob to have it.
    let rolled = false;
    let seq = 0;
    const talking = (async () => {
      while (!rolled) {
        const arrived = delivered(bob.client, roomId, seq + 1);
        seq = (await ann.send(roomId, `m${seq + 1}`)).seq;
        await arrived;
      }
    })();
    await recording.opened(2);
    const oldClose = await recording.sockets[0]?.closed;
    await forgotten(bobId, oldId ?? '');
    rolled = true;
    await talking;

    // After the old connection's $disconnect: both ways still work on the new one.
    const last = await bob.client.send(roomId, 'after the rollover');
    await ann.nextMessage(roomId, 'after the rollover');
    expect(oldClose).toBe(1000);
    expect(bob.client.state).toBe('open');
    expect(bob.states).toEqual(['open']);
    expect(bob.messages.map((m) => m.seq)).toEqual(
      Array.from({ length: last.seq }, (_, i) => i + 1),
    );
    expect(seq).toBeGreaterThan(1);
    expect(ann.frames.filter((f) => f.type === 'presence' && f.userId === bobId)).toEqual([]);
    const ids = await connectionIds(bobId);
    expect(ids).toHaveLength(1);
    expect(ids).not.toContain(oldId);
  });

  it('without it, the gateway closing the connection shows the room an offline and online', async () => {
    const carolId = uid('carol');
    const roomId = uid('noroll');
    const carol = await sdkClient(carolId, { rolloverAfterMs: 0 });
    await carol.client.createRoom(roomId, { name: 'No rollover' });
    await carol.client.join(roomId);
    const dan = await observer(uid('dan'), roomId);
    const [carolConnection] = await connectionIds(carolId);
    // The close API Gateway makes at the limit, made now: the observer, which connected
    // later, would itself be closed at the limit before it saw the whole flicker.
    await parley.management().send(new DeleteConnectionCommand({ ConnectionId: carolConnection }));
    const offline = await dan.next((f) => f.type === 'presence' && f.userId === carolId);
    expect(offline).toMatchObject({ status: 'offline' });
    const online = await dan.next(
      (f) => f.type === 'presence' && f.userId === carolId && f.status !== 'offline',
    );
    expect(online).toMatchObject({ status: 'online' });
    expect(carol.states).toContain('reconnecting');
  });
});
