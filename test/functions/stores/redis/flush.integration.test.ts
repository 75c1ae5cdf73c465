/**
 * Redis is only a cache: losing all of it between two sends loses nothing. The Redis that
 * is emptied is one the test started, never one a developer keeps data in.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Message } from '../../../../functions/core/message.js';
import { startTestParley, type TestParley } from '../../../support/parley.js';
import {
  emptyOwnRedis,
  type LocalRedis,
  startRedisServer,
} from '../../../support/redis-servers.js';
import { uid } from '../../../support/services.js';

let parley: TestParley;
let ownRedis: LocalRedis;
beforeAll(async () => {
  ownRedis = await startRedisServer();
  parley = await startTestParley({ REDIS_URL: ownRedis.url });
});
afterAll(async () => {
  await parley.close();
  await ownRedis.stop();
});

/** Empties the test's own Redis and checks it is empty. */
async function emptyRedis(): Promise<void> {
  await emptyOwnRedis(ownRedis);
  const redis = new Redis(ownRedis.url);
  try {
    expect(await redis.dbsize()).toBe(0);
  } finally {
    redis.disconnect();
  }
}

it('delivers, orders and serves history across a flush of Redis', async () => {
  const room = uid();
  const [alice, bob] = await Promise.all([parley.connect('alice'), parley.connect('bob')]);
  await alice.join(room);
  await bob.join(room);
  const first = await alice.send(room, 'before the flush');
  await bob.nextMessage(room, 'before the flush');

  await emptyRedis();

  // Membership comes back from DynamoDB, the seq from PostgreSQL.
  const second = await alice.send(room, 'after the flush');
  expect(second.seq).toBe(first.seq + 1);
  const delivered = await bob.nextMessage(room, 'after the flush');
  expect((delivered.message as Message).seq).toBe(2);

  const history = await bob.request({ action: 'get_history', roomId: room });
  expect((history.messages as Message[]).map((m) => m.content)).toEqual([
    'before the flush',
    'after the flush',
  ]);
  const carol = await parley.connect('carol');
  const joined = await carol.join(room);
  expect((joined.online as string[]).sort()).toEqual(['alice', 'bob', 'carol']);
  expect(joined.lastSeq).toBe(2);
  for (const c of [alice, bob, carol]) await c.close();
});
