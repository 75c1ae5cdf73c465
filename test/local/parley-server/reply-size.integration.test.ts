/**
 * Every reply fits API Gateway's 128 KB: a room full of maximum-size multi-byte messages
 * can still be joined and paged through, end to end, with handlers posting through the
 * real Management API client, which gets 413 `PayloadTooLargeException` from the local
 * gateway above 128 KB as it would from AWS.
 */
import { DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type ConnectionState, connect } from '../../../client/index.js';
import { countCharacters } from '../../../functions/core/frames.js';
import { DEFAULT_LIMITS } from '../../../functions/core/limits.js';
import type { Message } from '../../../functions/core/message.js';
import { DynamoConnectionStore } from '../../../functions/stores/dynamodb/connection-store.js';
import type { ChatClient, Frame } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { deleteKeysUnder, testDynamo, testRedisUrl, uid } from '../../support/services.js';

/** API Gateway's limit on one message posted to a connection. */
const API_GATEWAY_MESSAGE_BYTES = 128 * 1024;
const CHARS = DEFAULT_LIMITS.maxMessageChars;
const COUNT = 60;

/** Maximum-size contents, each as heavy as a character can make it on the wire. */
const HEAVY_CONTENTS = [
  '字'.repeat(CHARS), // 3 bytes of UTF-8 each
  '😀'.repeat(CHARS), // 4 bytes of UTF-8 (one code point, two UTF-16 units)
  '\u0001'.repeat(CHARS), // JSON escapes it as \u0001: 6 bytes
  '"\\'.repeat(CHARS / 2), // JSON escapes each as two bytes
];

const contentOf = (i: number) => HEAVY_CONTENTS[i % HEAVY_CONTENTS.length]!;

/** The frame's size as the server sent it (it serialised with JSON.stringify too). */
const bytesOf = (frame: Frame) => Buffer.byteLength(JSON.stringify(frame), 'utf8');

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

function expectHistory(frame: Frame): { messages: Message[]; hasMore: boolean } {
  expect(frame).toMatchObject({ type: 'room_history' });
  expect(bytesOf(frame)).toBeLessThanOrEqual(API_GATEWAY_MESSAGE_BYTES);
  const messages = frame.messages as Message[];
  expect(messages.length).toBeGreaterThan(0);
  return { messages, hasMore: frame.hasMore as boolean };
}

/** Walks back from the newest page with `before` = the first seq held, to seq 1. */
async function walkBack(client: ChatClient, roomId: string, first: Frame): Promise<number[]> {
  let page = expectHistory(first);
  const seqs = page.messages.map((m) => m.seq);
  while (page.hasMore) {
    page = expectHistory(
      await client.request({ action: 'get_history', roomId, before: seqs[0], limit: 100 }),
    );
    seqs.unshift(...page.messages.map((m) => m.seq));
  }
  return seqs;
}

/** Walks forward from `after` with `after` = the last seq held, to the newest. */
async function walkForward(client: ChatClient, roomId: string, first: Frame): Promise<number[]> {
  let page = expectHistory(first);
  const seqs = page.messages.map((m) => m.seq);
  while (page.hasMore) {
    page = expectHistory(
      await client.request({ action: 'get_history', roomId, after: seqs.at(-1), limit: 100 }),
    );
    seqs.push(...page.messages.map((m) => m.seq));
  }
  return seqs;
}

describe('a room of maximum-size multi-byte messages (SDK sender, 413 above 128 KB)', () => {
  let parley: TestParley;
  let redis: Redis;
  const room = uid('big');
  let reader: ChatClient;
  let sent: Message[];

  beforeAll(async () => {
    parley = await startTestParley({}, { sender: 'sdk' });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    const writer = await parley.connect(uid('writer'));
    await writer.join(room);
    sent = [];
    for (let i = 0; i < COUNT; i++) sent.push(await writer.send(room, contentOf(i)));
    await writer.close();
    reader = await parley.connect(uid('reader'));
  });
  afterAll(async () => {
    redis.disconnect();
    await parley.close();
  });

  it('stored every message at the maximum length', () => {
    expect(sent.map((m) => m.seq)).toEqual(range(1, COUNT));
    for (const m of sent) expect(countCharacters(m.content)).toBe(CHARS);
  });

  it('joins: the newest page fits, keeps the newest messages, and walks back with before', async () => {
    const reply = await reader.join(room, { limit: 100 });
    expect(reply).toMatchObject({ lastSeq: COUNT, hasMore: true });
    const page = expectHistory(reply);
    expect(page.messages.at(-1)?.seq).toBe(COUNT);
    expect(page.messages.length).toBeLessThan(COUNT);
    expect(await walkBack(reader, room, reply)).toEqual(range(1, COUNT));
  });

  it('joins with since: keeps the oldest messages after it and walks forward with after', async () => {
    const reply = await reader.join(room, { since: 0, limit: 100 });
    expect(reply).toMatchObject({ lastSeq: COUNT, hasMore: true });
    expect(expectHistory(reply).messages[0]?.seq).toBe(1);
    expect(await walkForward(reader, room, reply)).toEqual(range(1, COUNT));

    const later = await reader.join(room, { since: 25, limit: 100 });
    expect(await walkForward(reader, room, later)).toEqual(range(26, COUNT));
  });

  it('pages with get_history before and after, content intact', async () => {
    const newest = await reader.request({ action: 'get_history', roomId: room, limit: 100 });
    expect(await walkBack(reader, room, newest)).toEqual(range(1, COUNT));
    const oldest = await reader.request({ action: 'get_history', roomId: room, after: 0 });
    expect(await walkForward(reader, room, oldest)).toEqual(range(1, COUNT));

    const middle = expectHistory(
      await reader.request({ action: 'get_history', roomId: room, before: 31, limit: 100 }),
    );
    expect(middle.messages.at(-1)?.seq).toBe(30);
    for (const m of middle.messages) expect(m.content).toBe(contentOf(m.seq - 1));
  });

  it('fits with the longest, heaviest requestId the protocol allows', async () => {
    const frames = [
      { action: 'join_room', roomId: room, limit: 100 },
      { action: 'get_history', roomId: room, after: 0, limit: 100 },
    ];
    for (const [i, frame] of frames.entries()) {
      const requestId = `${'\u0001'.repeat(63)}${i}`; // 64 characters of 6 bytes (but one)
      reader.sendRaw(JSON.stringify({ ...frame, requestId }));
      expectHistory(await reader.next((f) => f.requestId === requestId));
    }
  });

  it('serves the same pages from PostgreSQL when the cached window is gone', async () => {
    const forget = () => deleteKeysUnder(redis, `${parley.redisPrefix}{r:${room}}:`);
    const cached = await reader.request({ action: 'get_history', roomId: room, after: 10 });
    await forget();
    // The reader's join is in Redis too: join again so the room's connections are cached.
    await reader.join(room, { since: COUNT });
    const windowless = async (query: Record<string, unknown>) => {
      await redis.del(
        `${parley.redisPrefix}{r:${room}}:recent`,
        `${parley.redisPrefix}{r:${room}}:floor`,
      );
      return reader.request({ action: 'get_history', roomId: room, ...query });
    };
    const fromRecord = await windowless({ after: 10 });
    const strip = ({ requestId: _, ...rest }: Frame) => rest;
    expect(strip(fromRecord)).toEqual(strip(cached));

    let page = expectHistory(await windowless({ limit: 100 }));
    const seqs = page.messages.map((m) => m.seq);
    while (page.hasMore) {
      page = expectHistory(await windowless({ before: seqs[0], limit: 100 }));
      seqs.unshift(...page.messages.map((m) => m.seq));
    }
    expect(seqs).toEqual(range(1, COUNT));
  });

  it('the SDK resumes over a gap of maximum-size messages: every one once, in order', async () => {
    const gapRoom = uid('gap');
    const userId = uid('sdk');
    const token = await parley.token(userId);
    // The token function holds reconnects back until the gap is written.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let connects = 0;
    const client = connect({
      url: parley.url,
      token: async () => {
        connects += 1;
        if (connects > 1) await held;
        return token;
      },
      reconnect: { initialDelayMs: 10, maxDelayMs: 100 },
    });
    const seqs: number[] = [];
    let reached = () => {};
    const all = new Promise<void>((resolve) => {
      reached = resolve;
    });
    client.on('message', (m) => {
      seqs.push(m.seq);
      if (m.seq === COUNT) reached();
    });
    const reconnecting = new Promise<void>((resolve) =>
      client.on('state', (state: ConnectionState) => {
        if (state === 'reconnecting') resolve();
      }),
    );
    try {
      await client.join(gapRoom);
      const dynamo = testDynamo();
      const [mine] = await new DynamoConnectionStore(dynamo, inject('connectionsTable'))
        .roomConnections(gapRoom)
        .finally(() => dynamo.destroy());
      await parley
        .management()
        .send(new DeleteConnectionCommand({ ConnectionId: mine!.connectionId }));
      await reconnecting;

      const writer = await parley.connect(uid('writer'));
      await writer.join(gapRoom);
      for (let i = 0; i < COUNT; i++) await writer.send(gapRoom, contentOf(i));
      await writer.close();
      release();
      await all;
      expect(seqs).toEqual(range(1, COUNT));
      expect(client.lastSeq(gapRoom)).toBe(COUNT);
    } finally {
      await client.close();
    }
  });
});
