/**
 * The room cache in Redis: who is in each room and its newest messages. Redis is only a
 * cache: every key can be rebuilt from DynamoDB and PostgreSQL, so FLUSHALL loses nothing.
 *
 * Keys of one room share the hash tag `{r:roomId}` so they live in one cluster slot:
 *   {r:id}:conns   hash connectionId -> userId (NUL `c` userId for a connection that reads
 *                  compact frames: see `connValue`), plus the sentinel field `~` that tells
 *                  "cached and empty" apart from "not cached"
 *   {r:id}:users   hash `@userId` -> that user's connection count, plus the sentinel `~`:
 *                  presence answers without reading every connection (see scripts.ts)
 *   {r:id}:ver     the room's epoch: made on a miss, read before the durable store is; a fill
 *                  presenting another (a flush or eviction came between) is refused
 *   {r:id}:joins   the join stamp: a fresh random value on every join and fill, which a send
 *                  compares after storing its message to learn whether anyone joined since
 *                  it read the room (see APPEND_RECENT)
 *   {r:id}:pend    joins and leaves made while the room was not cached, which the next
 *                  fill merges (see FILL_CONNECTIONS)
 *   {r:id}:recent  sorted set seq -> message JSON, the newest `window` messages
 *   {r:id}:floor   the lowest seq from which :recent has no gaps; absent = not cached
 *   {r:id}:first   the room's first kept seq as the last fill read it (retention); set by
 *                  fills only, so it expires a TTL after the fill even in a busy room, and
 *                  its absence makes the window a miss: one refill a room a day
 *   {r:id}:pcount  set while a `presence_count` is scheduled for the room (see core/presence.ts)
 *   {r:id}:rr:@userId  set for `receiptThrottleMs` after the user's read receipt in the
 *                  room (core/read-state.ts); the user id is free text, so it comes last
 */
import { randomUUID } from 'node:crypto';
import { StoreUnavailableError } from '../../core/errors.js';
import { storedAttachment, unlinked } from '../../core/files.js';
import type { Message, RoomConnection, StoredAttachment } from '../../core/message.js';
import type {
  CachedConnections,
  JoinsSince,
  PresenceChange,
  PresenceView,
  RecentWindow,
  RoomCache,
} from '../../core/ports.js';
import { REDIS_TIMEOUT_MS } from './client-options.js';
import { guardedRedis } from './errors.js';
import { firstConnection } from './first-connection.js';
import {
  ADD_CONNECTION,
  APPEND_RECENT,
  EPOCH,
  FILL_CONNECTIONS,
  FILL_RECENT,
  READ_CONNECTIONS,
  REMOVE_CONNECTION,
  REPLACE_RECENT,
  type RedisClient,
} from './scripts.js';

const SENTINEL = '~';

export interface RedisRoomCacheOptions {
  /** Prepended to every key, before the hash tag. */
  keyPrefix?: string;
  /** Messages kept per room. */
  window?: number;
  /** Idle rooms fall out of the cache after this long. */
  ttlSeconds?: number;
  /** The most one operation may take; default `REDIS_TIMEOUT_MS`. */
  operationTimeoutMs?: number;
}

/**
 * Marks a `conns` value whose connection reads compact frames: a user id never holds NUL
 * (auth/verify-token.ts), and the scripts strip it to count the user (USER_OF in scripts.ts).
 */
const COMPACT_MARK = '\u0000c';

/** A connection's `conns` value: its user id, marked when it reads compact frames. */
export function connValue(connection: RoomConnection): string {
  return connection.format === 'compact' ? COMPACT_MARK + connection.userId : connection.userId;
}

function fromConnValue(connectionId: string, value: string): RoomConnection {
  return value.startsWith(COMPACT_MARK)
    ? { connectionId, userId: value.slice(COMPACT_MARK.length), format: 'compact' }
    : { connectionId, userId: value };
}

function pairsToConnections(flat: unknown): RoomConnection[] {
  const values = flat as string[];
  const connections: RoomConnection[] = [];
  for (let i = 0; i + 1 < values.length; i += 2) {
    const connectionId = values[i]!;
    if (connectionId !== SENTINEL) connections.push(fromConnValue(connectionId, values[i + 1]!));
  }
  return connections;
}

/** Whether a flat HGETALL reply has the field (values sit at odd positions, fields at even). */
function hasField(flat: readonly string[], field: string): boolean {
  for (let i = 0; i < flat.length; i += 2) if (flat[i] === field) return true;
  return false;
}

/** A connection script's reply (see scripts.ts), or undefined for its nil (a miss). */
function toPresenceChange(reply: unknown, connectionId: string): PresenceChange | undefined {
  if (reply === null) return undefined;
  const [hasOthers, online, pairs, onlineCount, connectionCount, withOthers] = reply as [
    number,
    string[],
    string[],
    number,
    number,
    number,
  ];
  const change: PresenceChange = {
    online,
    onlineCount,
    connectionCount,
    userHasOthers: hasOthers === 1,
  };
  if (withOthers === 1) {
    change.others = pairsToConnections(pairs).filter((c) => c.connectionId !== connectionId);
  }
  return change;
}

/** Redis's time (ms) when a script refused a write as late (`applyBy`), else undefined. */
function lateAt(reply: unknown): number | undefined {
  if (!Array.isArray(reply) || reply[0] !== 'late') return undefined;
  return Number(reply[1]);
}

function lateJoin(): StoreUnavailableError {
  return new StoreUnavailableError('Redis', {
    cause: new Error('the join reached Redis after its deadline; not applied'),
  });
}

/** Key order is fixed so that the same message always serialises to the same member. */
export function serializeMessage(m: Message): string {
  return JSON.stringify({
    id: m.id,
    roomId: m.roomId,
    seq: m.seq,
    userId: m.userId,
    content: m.content,
    createdAt: m.createdAt,
    ...(m.clientMsgId === undefined ? {} : { clientMsgId: m.clientMsgId }),
    ...(m.editedAt === undefined ? {} : { editedAt: m.editedAt }),
    ...(m.deleted === undefined ? {} : { deleted: m.deleted }),
    ...(m.replyTo === undefined ? {} : { replyTo: m.replyTo }),
    ...(m.mentions === undefined ? {} : { mentions: m.mentions }),
    ...(m.reactions === undefined
      ? {}
      : { reactions: m.reactions.map(({ emoji, count, me }) => ({ emoji, count, me })) }),
    ...(m.rev === undefined ? {} : { rev: m.rev }),
    // The record's form: links expire, so they are made when a message is served.
    ...(m.attachments === undefined ? {} : { attachments: m.attachments.map(storedAttachment) }),
  });
}

/** A window member back as a message; its attachments get empty links, as the record's do. */
export function parseMessage(json: string): Message {
  const message = JSON.parse(json) as Omit<Message, 'attachments'> & {
    attachments?: StoredAttachment[];
  };
  const { attachments, ...rest } = message;
  return attachments === undefined ? rest : { ...rest, attachments: attachments.map(unlinked) };
}

/** An operation that outlived its deadline (see `REDIS_TIMEOUT_MS`). */
class RedisDeadlineError extends Error {
  override readonly name = 'RedisDeadlineError';
}

/**
 * Runs one cache operation within `timeoutMs`, its failures translated (errors.ts): a
 * timeout is `unavailable`. Like a command timeout, the deadline only stops the waiting: a
 * write already on its way may still land (see docs/decisions/2026-12-06-stores-fail-fast.md).
 */
export async function guarded<T>(run: () => Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedisDeadlineError(`no answer from Redis in ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await guardedRedis(() => Promise.race([run(), deadline]));
  } finally {
    clearTimeout(timer);
  }
}

export class RedisRoomCache implements RoomCache {
  private readonly prefix: string;
  private readonly window: number;
  private readonly ttl: number;
  private readonly timeoutMs: number;
  /** How far Redis's clock is ahead of ours, as learnt from joins refused as late. */
  private redisClockAheadMs = 0;
  /** Set while a client handed over still connecting makes its first attempt. */
  private connecting: Promise<unknown> | undefined;

  /**
   * `redis` may still be making its first connection (a cold start): the first operations
   * wait for that one attempt, within the timeout, rather than be refused by a client with
   * no offline queue. After it, operations never wait for a connection.
   */
  constructor(
    private readonly redis: RedisClient,
    options: RedisRoomCacheOptions = {},
  ) {
    this.prefix = options.keyPrefix ?? '';
    this.window = options.window ?? 100;
    this.ttl = options.ttlSeconds ?? 24 * 3600;
    this.timeoutMs = options.operationTimeoutMs ?? REDIS_TIMEOUT_MS;
    if (redis.status !== 'ready') {
      this.connecting = firstConnection(redis, this.timeoutMs).finally(() => {
        this.connecting = undefined;
      });
    }
  }

  private async guarded<T>(run: () => Promise<T>): Promise<T> {
    if (this.connecting) await this.connecting;
    // A client that is not connected would refuse the command anyway (no offline queue),
    // except a cluster with auto-pipelining that has lost its slots, which waits for its
    // next connection attempt: fail at once either way.
    if (this.redis.status !== 'ready') {
      throw new StoreUnavailableError('Redis', { cause: new Error(`client ${this.redis.status}`) });
    }
    return guarded(run, this.timeoutMs);
  }

  private key(
    roomId: string,
    part:
      | 'conns'
      | 'users'
      | 'ver'
      | 'pend'
      | 'joins'
      | 'recent'
      | 'floor'
      | 'first'
      | 'pcount'
      | 'rr',
  ): string {
    return `${this.prefix}{r:${roomId}}:${part}`;
  }

  async roomConnections(roomId: string): Promise<CachedConnections> {
    // HGETALL's flat reply, not ioredis's object of it, which is slower on a room of
    // thousands (docs/decisions/2026-12-06-send-path-costs.md).
    const [joinStamp, flat] = (await this.guarded(() =>
      READ_CONNECTIONS.run(this.redis, [this.key(roomId, 'conns'), this.key(roomId, 'joins')], []),
    )) as [string, string[]];
    if (hasField(flat, SENTINEL)) return { connections: pairsToConnections(flat), joinStamp };
    // A miss: only now the epoch, which every send would otherwise read for nothing. Read
    // after the miss and before the caller reads DynamoDB: joins and leaves write DynamoDB
    // first and record themselves for the fill after (while the room is not cached), so
    // the fill merges whatever the caller's read missed, unless a flush lost that record,
    // which changes the epoch.
    const epoch = await this.guarded(() =>
      EPOCH.run(this.redis, [this.key(roomId, 'ver')], [randomUUID(), this.ttl]),
    );
    return { version: String(epoch) };
  }

  async isInRoom(roomId: string, connectionId: string): Promise<boolean | undefined> {
    const [sentinel, userId] = await this.guarded(() =>
      this.redis.hmget(this.key(roomId, 'conns'), SENTINEL, connectionId),
    );
    if (sentinel === null || sentinel === undefined) return undefined;
    return userId !== null && userId !== undefined;
  }

  async membersOf(
    roomId: string,
    connectionIds: readonly string[],
  ): Promise<Set<string> | undefined> {
    const [sentinel, ...users] = await this.guarded(() =>
      this.redis.hmget(this.key(roomId, 'conns'), SENTINEL, ...connectionIds),
    );
    if (sentinel === null || sentinel === undefined) return undefined;
    const members = new Set<string>();
    users.forEach((userId, i) => {
      const id = connectionIds[i];
      if (userId !== null && userId !== undefined && id !== undefined) members.add(id);
    });
    return members;
  }

  /** The keys every connection script takes, in its KEYS order. */
  private connectionKeys(roomId: string): string[] {
    return [
      this.key(roomId, 'conns'),
      this.key(roomId, 'ver'),
      this.key(roomId, 'users'),
      this.key(roomId, 'pend'),
      this.key(roomId, 'joins'),
    ];
  }

  async fillRoomConnections(
    roomId: string,
    connections: readonly RoomConnection[],
    version: string,
  ): Promise<void> {
    const pairs = connections.flatMap((c) => [c.connectionId, connValue(c)]);
    await this.guarded(() =>
      FILL_CONNECTIONS.run(this.redis, this.connectionKeys(roomId), [
        version,
        this.ttl,
        randomUUID(),
        ...pairs,
      ]),
    );
  }

  /**
   * The join applies only if it reaches Redis within half the operation's deadline (by
   * Redis's clock, see `applyBy` in scripts.ts): one that arrives later, after a hang, is
   * dropped there rather than list a connection its caller was told had not joined. The
   * other half of the deadline is for the reply to come back.
   */
  async addRoomConnection(
    roomId: string,
    connection: RoomConnection,
    view: PresenceView,
  ): Promise<PresenceChange | undefined> {
    let sentAt = 0;
    // Timed from when the command leaves, after any wait for a first connection.
    const run = () =>
      this.guarded(() => {
        sentAt = Date.now();
        const applyBy = sentAt + this.redisClockAheadMs + Math.floor(this.timeoutMs / 2);
        return ADD_CONNECTION.run(this.redis, this.connectionKeys(roomId), [
          connection.connectionId,
          connValue(connection),
          this.ttl,
          view.onlineMax,
          view.othersMax,
          randomUUID(),
          applyBy,
        ]);
      });
    let reply = await run();
    const late = lateAt(reply);
    if (late !== undefined) {
      // Refused as late, yet answered in time by our clock: Redis's clock is ahead of ours.
      // Learn by how much (an overestimate by the trip there, which errs on the safe side)
      // and try once more; a join that really arrived late is not retried.
      if (Date.now() - sentAt >= this.timeoutMs / 2) throw lateJoin();
      this.redisClockAheadMs = Math.max(this.redisClockAheadMs, late - sentAt);
      reply = await run();
      if (lateAt(reply) !== undefined) throw lateJoin();
    }
    return toPresenceChange(reply, connection.connectionId);
  }

  async removeRoomConnection(
    roomId: string,
    connectionId: string,
    view: PresenceView,
  ): Promise<PresenceChange | undefined> {
    const reply = await this.guarded(() =>
      REMOVE_CONNECTION.run(this.redis, this.connectionKeys(roomId), [
        connectionId,
        view.onlineMax,
        view.othersMax,
      ]),
    );
    return toPresenceChange(reply, connectionId);
  }

  async claimPresenceCount(roomId: string, seconds: number): Promise<boolean> {
    const set = await this.guarded(() =>
      this.redis.set(this.key(roomId, 'pcount'), '1', 'EX', seconds, 'NX'),
    );
    return set === 'OK';
  }

  async claimReadReceipt(roomId: string, userId: string, ms: number): Promise<boolean> {
    const key = `${this.key(roomId, 'rr')}:@${userId}`;
    const set = await this.guarded(() => this.redis.set(key, '1', 'PX', ms, 'NX'));
    return set === 'OK';
  }

  async recentMessages(roomId: string): Promise<RecentWindow | undefined> {
    const [floorResult, membersResult, firstResult] = await this.guarded(async () => {
      const results =
        (await this.redis
          .pipeline()
          .get(this.key(roomId, 'floor'))
          .zrange(this.key(roomId, 'recent'), 0, -1)
          .get(this.key(roomId, 'first'))
          .exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      return results;
    });
    const floorText = floorResult?.[1] as string | null | undefined;
    const firstText = firstResult?.[1] as string | null | undefined;
    // Without the first seq the window cannot say whether older messages exist.
    if (floorText == null || firstText == null) return undefined;
    const floor = Number(floorText);
    const members = (membersResult?.[1] ?? []) as string[];
    // The floor and the set are separate keys that can expire or be evicted apart; a floor
    // over no set is not a window (an empty room is simply never cached).
    if (members.length === 0) return undefined;
    const messages = members.map(parseMessage);
    const kept = messages.filter((m) => m.seq >= floor);
    const firstSeq = Number(firstText);
    // Absent means 1 (ports.ts): windows of rooms that never purged look as before.
    return firstSeq > 1 ? { floor, firstSeq, messages: kept } : { floor, messages: kept };
  }

  async fillRecentMessages(roomId: string, window: RecentWindow): Promise<void> {
    const pairs = window.messages.flatMap((m) => [m.seq, serializeMessage(m)]);
    await this.guarded(() =>
      FILL_RECENT.run(
        this.redis,
        [this.key(roomId, 'recent'), this.key(roomId, 'floor'), this.key(roomId, 'first')],
        [this.window, this.ttl, window.floor, window.firstSeq ?? 1, ...pairs],
      ),
    );
  }

  async replaceRecentMessage(roomId: string, message: Message): Promise<void> {
    await this.guarded(() =>
      REPLACE_RECENT.run(
        this.redis,
        [this.key(roomId, 'recent'), this.key(roomId, 'floor')],
        [this.window, this.ttl, message.seq, serializeMessage(message)],
      ),
    );
  }

  async forgetRecentMessages(roomId: string): Promise<void> {
    await this.guarded(() =>
      this.redis.del(
        this.key(roomId, 'floor'),
        this.key(roomId, 'recent'),
        this.key(roomId, 'first'),
      ),
    );
  }

  /**
   * Adds the message even when the room's window is not cached: a fill that read
   * PostgreSQL just before this message committed then merges with it instead of
   * leaving it out.
   */
  async appendRecentMessage(
    roomId: string,
    message: Message,
    joinStamp?: string,
  ): Promise<JoinsSince> {
    const reply = await this.guarded(() =>
      APPEND_RECENT.run(
        this.redis,
        [
          this.key(roomId, 'recent'),
          this.key(roomId, 'floor'),
          this.key(roomId, 'conns'),
          this.key(roomId, 'joins'),
        ],
        [this.window, this.ttl, message.seq, serializeMessage(message), joinStamp ?? ''],
      ),
    );
    if (reply === -1) return { kind: 'unknown' };
    if (reply === 0) return { kind: 'none' };
    return { kind: 'joined', connections: pairsToConnections(reply) };
  }
}
