/**
 * Regressions from a review: each test showed a bug (and failed) before its fix.
 * Real PostgreSQL, Redis and dynalite from the global setup.
 */

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Redis, ReplyError } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getHistory } from '../../../../functions/core/actions/get-history.js';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { sendMessage } from '../../../../functions/core/actions/send-message.js';
import { rememberRoomFacts } from '../../../../functions/core/encrypted-rooms.js';
import { toClientError } from '../../../../functions/core/errors.js';
import { DEFAULT_LIMITS } from '../../../../functions/core/limits.js';
import { dropConnection, readRoomConnections } from '../../../../functions/core/membership.js';
import type { Caller, Message } from '../../../../functions/core/message.js';
import type {
  BroadcastResult,
  ChatDeps,
  ConnectionSender,
  PresenceView,
  RoomCache,
} from '../../../../functions/core/ports.js';
import type { ReplyFrame, ServerFrame } from '../../../../functions/core/server-frames.js';
import { DynamoConnectionStore } from '../../../../functions/stores/dynamodb/connection-store.js';
import { PostgresMessageStore } from '../../../../functions/stores/postgres/message-store.js';
import { PostgresRoomStore } from '../../../../functions/stores/postgres/room-store.js';
import { RedisPresenceCache } from '../../../../functions/stores/redis/presence-cache.js';
import { RedisRateLimiter } from '../../../../functions/stores/redis/rate-limiter.js';
import { RedisRoomCache } from '../../../../functions/stores/redis/room-cache.js';
import { RecordingQueue } from '../../../support/fakes.js';
import { startTestParley, type TestParley } from '../../../support/parley.js';
import { missVersion } from '../../../support/room-cache.js';
import {
  deleteKeysUnder,
  testDynamo,
  testPool,
  testRedis,
  uid,
} from '../../../support/services.js';

let pool: pg.Pool;
let redis: Redis;
let dynamo: DynamoDBClient;
let prefix: string;

beforeAll(() => {
  pool = testPool();
  redis = testRedis();
  dynamo = testDynamo();
  prefix = `${uid('review')}:`;
});
afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
  await pool.end();
  dynamo.destroy();
});

/** Records frames; connections listed in `gone` answer 410. */
class Sender implements ConnectionSender {
  readonly frames: { to: string; frame: ServerFrame }[] = [];
  readonly gone = new Set<string>();
  async send(connectionId: string, data: string): Promise<boolean> {
    if (this.gone.has(connectionId)) return false;
    this.frames.push({ to: connectionId, frame: JSON.parse(data) });
    return true;
  }
  async broadcast(ids: readonly string[], data: string): Promise<BroadcastResult> {
    const gone: string[] = [];
    for (const id of ids) if (!(await this.send(id, data))) gone.push(id);
    return { gone, retry: [], failed: 0 };
  }
  to(id: string) {
    return this.frames.filter((f) => f.to === id).map((f) => f.frame);
  }
}

const log = { info() {}, warn() {}, error() {} };
const VIEW: PresenceView = { onlineMax: 100, othersMax: 100 };

function realDeps(sender: ConnectionSender, cache?: RoomCache): ChatDeps {
  const rooms = new PostgresRoomStore(pool);
  return {
    messages: new PostgresMessageStore(pool),
    rooms,
    roomFacts: rememberRoomFacts(rooms),
    connections: new DynamoConnectionStore(dynamo, inject('connectionsTable')),
    cache: cache ?? new RedisRoomCache(redis, { keyPrefix: prefix }),
    sender,
    queue: new RecordingQueue(),
    limiter: new RedisRateLimiter(redis, { keyPrefix: prefix }),
    presence: new RedisPresenceCache(redis, { keyPrefix: prefix }),
    limits: DEFAULT_LIMITS,
    log,
  };
}

const replyVia = (deps: ChatDeps, caller: Caller) => async (frame: ReplyFrame) => {
  await deps.sender.send(caller.connectionId, JSON.stringify(frame));
};

describe('PostgreSQL', () => {
  // JOIN_SQL: `member` is read from the statement snapshot; a concurrent first join of the
  // same user inserts the member row, this statement's INSERT ... ON CONFLICT DO NOTHING
  // then inserts nothing, so role IS NULL and joined = 0 -> "Room is private" (forbidden)
  // for a PUBLIC room.
  it('two concurrent first joins by one user (two tabs) to a public room both succeed', async () => {
    const store = new PostgresMessageStore(pool);
    const failures: string[] = [];
    for (let i = 0; i < 40; i++) {
      const room = uid();
      await store.joinRoom(room, 'owner'); // room exists, public
      const results = await Promise.allSettled([
        store.joinRoom(room, 'alice'),
        store.joinRoom(room, 'alice'),
      ]);
      for (const r of results) {
        if (r.status === 'rejected') failures.push(String((r.reason as Error).message));
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('Redis cache', () => {
  // The version guard of FILL_CONNECTIONS is an INCR counter that restarts at 1 after a
  // FLUSHALL / eviction / failover: a fill read before the flush passes the guard after
  // it (ABA) and overwrites the hash without a connection that joined in between.
  it('a stale fill across a flush does not drop a connection that joined meanwhile', async () => {
    const sender = new Sender();
    const deps = realDeps(sender);
    const room = uid();
    const a: Caller = { connectionId: uid('ca'), userId: 'alice' };
    const b: Caller = { connectionId: uid('cb'), userId: 'bob' };
    await deps.connections.addToRoom(room, a);
    await deps.cache.addRoomConnection(room, a, VIEW); // miss: ver = 1

    // Reader (e.g. a send_message in another Lambda) on a miss: version '1', then DynamoDB.
    const version = await missVersion(deps.cache, room);
    const stale = await deps.connections.roomConnections(room);

    // FLUSHALL (only this room's keys here, not to disturb other tests).
    await redis.del(`${prefix}{r:${room}}:conns`, `${prefix}{r:${room}}:ver`);

    // Bob joins: DynamoDB, cache add (miss, ver = 1 again), read-through fill.
    await deps.connections.addToRoom(room, b);
    await deps.cache.addRoomConnection(room, b, VIEW);
    await readRoomConnections(deps, room);

    // The reader's fill lands last.
    await deps.cache.fillRoomConnections(room, stale, version);

    const cached = await deps.cache.roomConnections(room);
    expect(cached.connections?.map((c) => c.userId).sort()).toEqual(['alice', 'bob']);
  });

  // `:floor` and `:recent` are separate keys. Under maxmemory (ElastiCache's default
  // volatile-lru; every key here has a TTL) `:recent` can be evicted alone; a floor of 1
  // over an empty set is then read as "a room with no messages".
  it('get_history does not answer an empty page when :recent was evicted alone', async () => {
    const sender = new Sender();
    const deps = realDeps(sender);
    const room = uid();
    const a: Caller = { connectionId: uid('ca'), userId: 'alice' };
    await joinRoom(deps, a, { roomId: room }, replyVia(deps, a));
    for (const content of ['one', 'two', 'three']) {
      await sendMessage(deps, a, { roomId: room, content }, replyVia(deps, a));
    }
    await getHistory(deps, a, { roomId: room }, replyVia(deps, a)); // window cached, floor 1
    await redis.del(`${prefix}{r:${room}}:recent`); // eviction
    sender.frames.length = 0;
    await getHistory(deps, a, { roomId: room }, replyVia(deps, a));
    const page = sender.to(a.connectionId)[0] as { messages: Message[] };
    expect(page.messages.map((m) => m.content)).toEqual(['one', 'two', 'three']);
  });

  // `guarded` rethrows every ReplyError as is, so READONLY (after a failover), LOADING,
  // OOM, CLUSTERDOWN, TRYAGAIN... reach the client as `internal` instead of `unavailable`.
  it('a Redis that refuses writes (READONLY after failover) is `unavailable`, not `internal`', async () => {
    const failing = {
      status: 'ready',
      evalsha: () =>
        Promise.reject(new ReplyError("READONLY You can't write against a read only replica.")),
    } as unknown as Redis;
    const cache = new RedisRoomCache(failing, { keyPrefix: prefix });
    const error = await cache
      .addRoomConnection('room', { connectionId: 'c', userId: 'u' }, VIEW)
      .catch((e: unknown) => e);
    expect(toClientError(error).code).toBe('unavailable');
  });
});

describe('clean-up of gone connections', () => {
  // $disconnect deletes DynamoDB first, then the cache; if the cache write fails the error
  // is only logged. The connection stays in `{r:room}:conns`. Every later fan-out posts to
  // it, gets 410, and dropConnection() asks DynamoDB which rooms it had: none any more, so
  // the cache is never cleaned and its user stays "online" (24 h TTL, refreshed by joins).
  it('a connection whose $disconnect missed the cache is removed once a post finds it gone', async () => {
    const sender = new Sender();
    const redisCache = new RedisRoomCache(redis, { keyPrefix: prefix });
    let failRemove = false;
    const flaky: RoomCache = Object.assign(Object.create(redisCache) as RoomCache, {
      removeRoomConnection: (roomId: string, connectionId: string, view: PresenceView) =>
        failRemove
          ? Promise.reject(new Error('Redis timeout'))
          : redisCache.removeRoomConnection(roomId, connectionId, view),
    });
    const deps = realDeps(sender, flaky);
    const room = uid();
    const alice: Caller = { connectionId: uid('ca'), userId: 'alice' };
    const ghost: Caller = { connectionId: uid('cg'), userId: 'ghost' };
    await deps.connections.putConnection({ ...ghost, connectedAt: Date.now() });
    await joinRoom(deps, ghost, { roomId: room }, replyVia(deps, ghost));
    await joinRoom(deps, alice, { roomId: room }, replyVia(deps, alice));

    failRemove = true; // a Redis blip during $disconnect
    await dropConnection(deps, ghost.connectionId).catch(() => {}); // disconnect.ts logs it
    failRemove = false;
    sender.gone.add(ghost.connectionId);

    // A send posts to the ghost, gets 410, and should clean it up.
    await sendMessage(deps, alice, { roomId: room, content: 'hi' }, replyVia(deps, alice));
    const carol: Caller = { connectionId: uid('cc'), userId: 'carol' };
    await joinRoom(deps, carol, { roomId: room }, replyVia(deps, carol));
    const reply = sender.to(carol.connectionId).find((f) => f.type === 'room_history') as {
      online: string[];
    };
    expect(reply.online.sort()).toEqual(['alice', 'carol']);
  });

  // $disconnect is best-effort; the TTL is the safety net, but DynamoDB deletes expired
  // items lazily (typically within days), and roomConnections() does not filter on
  // expiresAt, so a read-through still lists connections that died hours ago.
  it('roomConnections() does not return items whose TTL has passed', async () => {
    const threeHoursAgo = () => Date.now() - 3 * 3600_000;
    const old = new DynamoConnectionStore(dynamo, inject('connectionsTable'), threeHoursAgo);
    const now = new DynamoConnectionStore(dynamo, inject('connectionsTable'));
    const room = uid();
    await old.addToRoom(room, { connectionId: uid('dead'), userId: 'dead' });
    await now.addToRoom(room, { connectionId: uid('live'), userId: 'live' });
    expect((await now.roomConnections(room)).map((c) => c.userId)).toEqual(['live']);
  });
});

describe('send_message', () => {
  // The ack is posted before the fan-out and a failed post (throttled 429, timeout, 5xx)
  // throws out of the action: the message is committed but never delivered to the room, and
  // the client's retry with the same clientMsgId is a duplicate, which skips the fan-out
  // too. Nobody in the room ever gets `new_message` for it.
  it('a committed message reaches the room even when the ack post fails', async () => {
    const sender = new Sender();
    const deps = realDeps(sender);
    const room = uid();
    const a: Caller = { connectionId: uid('ca'), userId: 'alice' };
    const b: Caller = { connectionId: uid('cb'), userId: 'bob' };
    await joinRoom(deps, a, { roomId: room }, replyVia(deps, a));
    await joinRoom(deps, b, { roomId: room }, replyVia(deps, b));
    let first = true;
    const flakyReply = async (frame: ReplyFrame) => {
      if (first) {
        first = false;
        throw Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' });
      }
      await replyVia(deps, a)(frame);
    };
    const request = { roomId: room, content: 'hello', clientMsgId: 'm1' };
    await sendMessage(deps, a, request, flakyReply).catch(() => {}); // error frame to alice
    await sendMessage(deps, a, request, flakyReply); // the client retries: ack (duplicate)
    expect(sender.to(b.connectionId).filter((f) => f.type === 'new_message')).toHaveLength(1);
  });
});

describe('through the local gateway', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley();
  });
  afterAll(() => parley.close());

  // PostgreSQL text cannot hold U+0000: the INSERT fails with SQLSTATE 22021/22P05, which
  // is neither unavailable nor translated, so a client-supplied value earns `internal`.
  it('content with a NUL character is a bad_request, not internal', async () => {
    const room = uid();
    const alice = await parley.connect('alice');
    await alice.join(room);
    const reply = await alice.request({
      action: 'send_message',
      roomId: room,
      content: 'a\u0000b',
    });
    expect(reply).toMatchObject({ type: 'error', code: 'bad_request' });
    await alice.close();
  });
});
