/**
 * In-memory fakes of the chat core's ports, for unit and handler tests. They follow the
 * contracts in `functions/core/ports.ts` (and the PostgreSQL/DynamoDB adapters' behaviour)
 * closely enough for the core to be exercised without any network. The cache is the real
 * `MemoryRoomCache`.
 */

import { getHistory } from '../../functions/core/actions/get-history.js';
import { rememberRoomFacts } from '../../functions/core/encrypted-rooms.js';
import { ChatError, StoreUnavailableError } from '../../functions/core/errors.js';
import { type JobBudget, type JobOutcome, runFanoutJob } from '../../functions/core/fanout-job.js';
import { unlinked } from '../../functions/core/files.js';
import { DM_PREFIX } from '../../functions/core/governance.js';
import { DEFAULT_LIMITS, REPLY_MAX_BYTES } from '../../functions/core/limits.js';
import type { Caller, Message, RoomConnection } from '../../functions/core/message.js';
import type {
  BroadcastResult,
  ChatDeps,
  ChatLogger,
  ConnectionRecord,
  ConnectionSender,
  ConnectionStore,
  DeliveryJob,
  EnqueueOptions,
  FanoutJob,
  FanoutQueue,
  HistoryPage,
  HistoryQuery,
  MessageChange,
  MessageDeletion,
  MessageEdit,
  MessageStore,
  NewMessage,
  OwnReaction,
  ReactionChange,
  ReactionResult,
  ReadCursor,
  ReadMark,
  SearchPage,
  SearchQuery,
  UserState,
  UserStatus,
} from '../../functions/core/ports.js';
import type { ReplyFrame, ServerFrame } from '../../functions/core/server-frames.js';
import { readConfig } from '../../functions/runtime/config.js';
import type { Runtime } from '../../functions/runtime/deps.js';
import type { HandlerWiring } from '../../functions/runtime/wiring.js';
import { MemoryPresenceCache } from '../../functions/stores/memory/presence-cache.js';
import { MemoryRateLimiter } from '../../functions/stores/memory/rate-limiter.js';
import { MemoryRoomCache } from '../../functions/stores/memory/room-cache.js';
import { FakeFileStore } from './fake-files.js';
import { type FakeRoom, FakeRoomStore, FakeRooms, isBanned, isMuted } from './fake-rooms.js';
import { fakeSearch } from './fake-search.js';

/** Rooms, membership and messages, as PostgreSQL keeps them. */
export class FakeMessageStore implements MessageStore {
  private nextId = 1;
  /** A fixed clock, so `createdAt` is deterministic. */
  private readonly epoch = Date.UTC(2026, 0, 1);
  /** Edits and deletes, counted: each gets a later time than any before it. */
  private changes = 0;

  constructor(readonly state: FakeRooms = new FakeRooms()) {}

  /** The rooms, by id (shared with the world's FakeRoomStore). */
  get rooms(): Map<string, FakeRoom> {
    return this.state.map;
  }

  async joinRoom(roomId: string, userId: string): Promise<ReadCursor> {
    const room = this.rooms.get(roomId);
    if (!room) {
      if (roomId.startsWith(DM_PREFIX)) {
        throw new ChatError('not_found', `No direct message ${roomId}: open one with open_dm`);
      }
      this.state.create(roomId, {}, userId);
      return { lastSeq: 0, readSeq: 0 };
    }
    const lastSeq = room.messages.length;
    let row = room.members.get(userId);
    if (isBanned(row, this.state.clock.now)) {
      throw new ChatError('forbidden', `You are banned from ${roomId}`);
    }
    if (!row) {
      if (room.room.visibility === 'private') {
        throw new ChatError('forbidden', `Room ${roomId} is private`);
      }
      // A new member starts with the room read (see the PostgreSQL adapter).
      row = { role: 'member', joinedAt: this.state.clock.now, readSeq: lastSeq };
      room.members.set(userId, row);
    }
    return { lastSeq, readSeq: row.readSeq ?? 0 };
  }

  async markRead(roomId: string, userId: string, seq: number): Promise<ReadMark> {
    const room = this.rooms.get(roomId);
    if (!room) throw new ChatError('not_found', `Room ${roomId} does not exist`);
    const row = room.members.get(userId);
    if (!row) throw new ChatError('forbidden', `You are not a member of ${roomId}`);
    if (isBanned(row, this.state.clock.now)) {
      throw new ChatError('forbidden', `You are banned from ${roomId}`);
    }
    const lastSeq = room.messages.length;
    const current = row.readSeq ?? 0;
    const target = Math.min(seq, lastSeq);
    if (target <= current) return { readSeq: current, lastSeq, moved: false };
    row.readSeq = target;
    return { readSeq: target, lastSeq, moved: true };
  }

  async appendMessage(input: NewMessage): Promise<{ message: Message; duplicate: boolean }> {
    const room = this.rooms.get(input.roomId);
    if (!room) throw new ChatError('not_found', `Room ${input.roomId} does not exist`);
    const now = this.state.clock.now;
    const row = room.members.get(input.userId);
    if (!row) throw new ChatError('forbidden', `You are not a member of ${input.roomId}`);
    if (isBanned(row, now)) throw new ChatError('forbidden', `You are banned from ${input.roomId}`);
    if (isMuted(row, now)) throw new ChatError('forbidden', `You are muted in ${input.roomId}`);
    const existing =
      input.clientMsgId === undefined
        ? undefined
        : room.messages.find(
            (m) => m.userId === input.userId && m.clientMsgId === input.clientMsgId,
          );
    const slow = room.room.slowModeSec;
    if (slow > 0 && row.role === 'member') {
      const wait = (row.lastSentAt ?? Number.NEGATIVE_INFINITY) + slow * 1000 - now;
      if (wait > 0 && !existing) {
        throw new ChatError('rate_limited', `Slow mode: one message every ${slow} s`, {
          retryAfterMs: wait,
        });
      }
    }
    if (existing) return { message: existing, duplicate: true };
    if (input.replyTo !== undefined && !room.messages.some((m) => m.seq === input.replyTo)) {
      throw new ChatError(
        'bad_request',
        `replyTo: ${input.replyTo} is not a message in ${input.roomId}`,
      );
    }
    if (slow > 0 && row.role === 'member') row.lastSentAt = now;
    const seq = room.messages.length + 1;
    const message: Message = {
      id: `00000000-0000-4000-8000-${String(this.nextId++).padStart(12, '0')}`,
      roomId: input.roomId,
      seq,
      userId: input.userId,
      content: input.content,
      createdAt: new Date(this.epoch + seq * 1000).toISOString(),
      ...(input.clientMsgId !== undefined ? { clientMsgId: input.clientMsgId } : {}),
      ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
      ...(input.attachments?.length ? { attachments: input.attachments.map(unlinked) } : {}),
      ...(input.mentions?.length ? { mentions: input.mentions } : {}),
    };
    room.messages.push(message);
    // Sending reads the room up to one's own message (the cursor never moves back).
    row.readSeq = Math.max(row.readSeq ?? 0, seq);
    room.activity = this.state.nextActivity();
    return { message, duplicate: false };
  }

  async editMessage(edit: MessageEdit): Promise<MessageChange> {
    const { index, current, room } = this.find(edit.roomId, edit.seq);
    if (current.userId !== edit.editorId) {
      throw new ChatError('forbidden', 'You can only edit your own messages');
    }
    if (current.deleted) throw new ChatError('forbidden', 'A deleted message cannot be edited');
    if (current.content === edit.content) return { message: current, changed: false };
    const { mentions: _old, ...rest } = current;
    const message: Message = {
      ...rest,
      content: edit.content,
      editedAt: this.changedAt(),
      ...(edit.mentions?.length ? { mentions: edit.mentions } : {}),
      rev: (current.rev ?? 0) + 1,
    };
    room.messages[index] = message;
    return { message, changed: true };
  }

  async deleteMessage(deletion: MessageDeletion): Promise<MessageChange> {
    const { index, current, room } = this.find(deletion.roomId, deletion.seq);
    if (current.userId !== deletion.actorId && !deletion.asModerator) {
      throw new ChatError(
        'forbidden',
        "Only the room's owner or an admin can delete others' messages",
      );
    }
    if (current.deleted) return { message: current, changed: false };
    const { mentions: _m, reactions: _r, attachments: _a, ...rest } = current;
    const message: Message = { ...rest, content: '', deleted: true, rev: (current.rev ?? 0) + 1 };
    room.messages[index] = message;
    this.state.reactions.dropMessage(message);
    return { message, changed: true };
  }

  async react(change: ReactionChange): Promise<ReactionResult> {
    const { index, current, room } = this.find(change.roomId, change.seq);
    const message = this.state.reactions.apply(current, change);
    if (message) room.messages[index] = message;
    return {
      message: message ?? current,
      changed: message !== undefined,
      mine: this.state.reactions.mine(current, change.userId),
    };
  }

  async reactionsBy(
    roomId: string,
    userId: string,
    seqs: readonly number[],
  ): Promise<OwnReaction[]> {
    return this.state.reactions.by(roomId, userId, seqs);
  }

  async thread(
    roomId: string,
    seq: number,
    query: { after?: number; limit: number },
  ): Promise<HistoryPage> {
    this.find(roomId, seq);
    const after = query.after ?? 0;
    const replies = (this.rooms.get(roomId)?.messages ?? []).filter(
      (m) => m.replyTo === seq && m.seq > after,
    );
    return { messages: replies.slice(0, query.limit), hasMore: replies.length > query.limit };
  }

  private find(roomId: string, seq: number) {
    const room = this.rooms.get(roomId);
    const index = seq - 1;
    const current = room?.messages[index];
    if (!room || !current) throw new ChatError('not_found', `Room ${roomId} has no message ${seq}`);
    return { room, index, current };
  }

  /** A time after every `createdAt` and every earlier change, as PostgreSQL's clock. */
  private changedAt(): string {
    this.changes += 1;
    return new Date(this.epoch + 1e9 + this.changes * 1000).toISOString();
  }

  async history(roomId: string, query: HistoryQuery): Promise<HistoryPage> {
    const all = this.rooms.get(roomId)?.messages ?? [];
    if (query.after !== undefined) {
      const after = query.after;
      const newer = all.filter((m) => m.seq > after);
      return { messages: newer.slice(0, query.limit), hasMore: newer.length > query.limit };
    }
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const older = all.filter((m) => m.seq < before);
    return {
      messages: older.slice(Math.max(0, older.length - query.limit)),
      hasMore: older.length > query.limit,
    };
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    return fakeSearch(this.state, query);
  }

  async latest(roomId: string, limit: number): Promise<{ messages: Message[]; lastSeq: number }> {
    const all = this.rooms.get(roomId)?.messages ?? [];
    return { messages: all.slice(Math.max(0, all.length - limit)), lastSeq: all.length };
  }

  /** Test helper: creates the room (if needed) and stores `count` messages by `userId`. */
  async seed(roomId: string, count: number, userId = 'seeder'): Promise<Message[]> {
    const room = this.ensureRoom(roomId);
    if (!room.members.has(userId)) {
      room.members.set(userId, { role: 'member', joinedAt: this.state.clock.now });
    }
    const out: Message[] = [];
    for (let i = 0; i < count; i++) {
      out.push((await this.appendMessage({ roomId, userId, content: `m${i + 1}` })).message);
    }
    return out;
  }

  /** Test helper: bans `userId` from the room until unbanned. */
  ban(roomId: string, userId: string): void {
    const room = this.ensureRoom(roomId);
    const row = room.members.get(userId);
    room.members.set(userId, {
      role: 'member',
      joinedAt: row?.joinedAt ?? this.state.clock.now,
      bannedAt: this.state.clock.now,
    });
  }

  /** Test helper: takes `userId` out of the room (remove_member). */
  remove(roomId: string, userId: string): void {
    this.ensureRoom(roomId).members.delete(userId);
  }

  /** Test helper: marks the room encrypted (its messages are never searched). */
  encrypt(roomId: string): void {
    this.ensureRoom(roomId).room.encrypted = true;
  }

  /** Test helper: only the room's members may join it from now on. */
  makePrivate(roomId: string): void {
    this.ensureRoom(roomId).room.visibility = 'private';
  }

  private ensureRoom(roomId: string): FakeRoom {
    return this.rooms.get(roomId) ?? this.state.create(roomId);
  }
}

/** Connections and room joins, as DynamoDB keeps them. */
export class FakeConnectionStore implements ConnectionStore {
  readonly connections = new Map<string, ConnectionRecord>();
  /** roomId => connectionId => userId */
  readonly rooms = new Map<string, Map<string, string>>();
  /** Connections that joined a room reading compact frames. */
  readonly compact = new Set<string>();

  async putConnection(connection: ConnectionRecord): Promise<void> {
    this.connections.set(connection.connectionId, { ...connection });
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const record = this.connections.get(connectionId);
    return record ? { ...record } : undefined;
  }

  async addToRoom(roomId: string, connection: RoomConnection): Promise<boolean> {
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new Map();
      this.rooms.set(roomId, room);
    }
    const wasThere = room.has(connection.connectionId);
    room.set(connection.connectionId, connection.userId);
    if (connection.format === 'compact') this.compact.add(connection.connectionId);
    return wasThere;
  }

  async removeFromRoom(roomId: string, connectionId: string): Promise<boolean> {
    return this.rooms.get(roomId)?.delete(connectionId) ?? false;
  }

  async isInRoom(roomId: string, connectionId: string): Promise<boolean> {
    return this.rooms.get(roomId)?.has(connectionId) ?? false;
  }

  async roomConnections(roomId: string): Promise<RoomConnection[]> {
    return [...(this.rooms.get(roomId) ?? [])].map(([connectionId, userId]) =>
      this.compact.has(connectionId)
        ? { connectionId, userId, format: 'compact' as const }
        : { connectionId, userId },
    );
  }

  async roomsOf(connectionId: string): Promise<string[]> {
    return [...this.rooms].filter(([, members]) => members.has(connectionId)).map(([id]) => id);
  }

  async liveConnectionsOf(userId: string): Promise<number> {
    return [...this.connections.values()].filter((c) => c.userId === userId).length;
  }

  async connectionIdsOf(userId: string): Promise<string[]> {
    return [...this.connections.values()]
      .filter((c) => c.userId === userId)
      .map((c) => c.connectionId);
  }

  /** userId => what is recorded between connections */
  readonly states = new Map<string, UserState>();

  async putStatus(userId: string, status: UserStatus): Promise<void> {
    this.states.set(userId, { ...this.states.get(userId), status: { ...status } });
  }

  async putLastSeen(userId: string, at: number): Promise<void> {
    this.states.set(userId, { ...this.states.get(userId), lastSeen: at });
  }

  async userStates(userIds: readonly string[]): Promise<Map<string, UserState>> {
    const found = new Map<string, UserState>();
    for (const id of userIds) {
      const state = this.states.get(id);
      if (state) found.set(id, structuredClone(state));
    }
    return found;
  }

  async forgetUserState(userId: string): Promise<void> {
    this.states.delete(userId);
  }

  async deleteConnection(connectionId: string): Promise<{ userId?: string; rooms: string[] }> {
    const record = this.connections.get(connectionId);
    this.connections.delete(connectionId);
    const rooms: string[] = [];
    let userId = record?.userId;
    for (const [roomId, members] of this.rooms) {
      const member = members.get(connectionId);
      if (member !== undefined) {
        userId ??= member;
        members.delete(connectionId);
        rooms.push(roomId);
      }
    }
    return userId === undefined ? { rooms } : { userId, rooms };
  }
}

/** Over API Gateway's 128 KB per message, which PostToConnection refuses with 413. */
const tooLarge = (data: string) => Buffer.byteLength(data, 'utf8') > REPLY_MAX_BYTES;

function payloadTooLarge(): Error {
  return Object.assign(new Error('Message too long'), {
    name: 'PayloadTooLargeException',
    $metadata: { httpStatusCode: 413 },
  });
}

/** A post that got no answer in time, as the SDK raises it. */
function timedOut(): Error {
  return Object.assign(new Error('post timed out'), { name: 'TimeoutError' });
}

/**
 * Records every frame sent, per connection. Connections in `gone` answer as 410 would; a
 * frame over 128 KB is refused as API Gateway refuses it (413).
 */
export class RecordingSender implements ConnectionSender {
  /** connectionId => raw frames, in send order. */
  readonly sent = new Map<string, string[]>();
  readonly gone = new Set<string>();
  /** Connections whose posts fail for good (a 4xx other than 410 and 429). */
  readonly failing = new Set<string>();
  /** Connections whose posts fail in a way worth retrying (429, timeout, 5xx). */
  readonly retrying = new Set<string>();

  async send(connectionId: string, data: string): Promise<boolean> {
    if (this.gone.has(connectionId)) return false;
    if (this.failing.has(connectionId)) throw new Error('post failed');
    // As the real senders report a post worth retrying: unavailable. A timed-out one (the
    // SDK tried it twice already), so a reply is not tried again as a throttled one is.
    if (this.retrying.has(connectionId)) {
      throw new StoreUnavailableError('API Gateway', { cause: timedOut() });
    }
    if (tooLarge(data)) throw payloadTooLarge();
    this.record(connectionId, data);
    return true;
  }

  async broadcast(connectionIds: readonly string[], data: string): Promise<BroadcastResult> {
    const result: BroadcastResult = { gone: [], retry: [], failed: 0 };
    for (const connectionId of connectionIds) {
      if (this.gone.has(connectionId)) result.gone.push(connectionId);
      else if (this.retrying.has(connectionId)) result.retry.push(connectionId);
      else if (this.failing.has(connectionId) || tooLarge(data)) result.failed++;
      else this.record(connectionId, data);
    }
    return result;
  }

  /** The frames a connection received, parsed. */
  framesTo(connectionId: string): ServerFrame[] {
    return (this.sent.get(connectionId) ?? []).map((f) => JSON.parse(f) as ServerFrame);
  }

  /** The frames of one type a connection received. */
  framesOfType<T extends ServerFrame['type']>(
    connectionId: string,
    type: T,
  ): Extract<ServerFrame, { type: T }>[] {
    return this.framesTo(connectionId).filter(
      (f): f is Extract<ServerFrame, { type: T }> => f.type === type,
    );
  }

  /** The last frame a connection received, parsed. */
  lastTo(connectionId: string): ServerFrame | undefined {
    return this.framesTo(connectionId).at(-1);
  }

  /** Every connection that received at least one frame. */
  recipients(): string[] {
    return [...this.sent.keys()].filter((id) => (this.sent.get(id) ?? []).length > 0);
  }

  clear(): void {
    this.sent.clear();
  }

  private record(connectionId: string, data: string): void {
    let frames = this.sent.get(connectionId);
    if (!frames) {
      frames = [];
      this.sent.set(connectionId, frames);
    }
    frames.push(data);
  }
}

/**
 * The fan-out queue as a list: jobs wait in `pending` (with the delay they asked for) until
 * a test runs them with `drain`, through the same worker core the Lambda uses. Time is not
 * simulated: `drain` runs delayed jobs at once, so a test sees where every post ended.
 */
export class RecordingQueue implements FanoutQueue {
  readonly pending: { job: FanoutJob; delaySeconds: number }[] = [];
  /** Every job ever queued, in order. */
  readonly enqueued: { job: FanoutJob; delaySeconds: number }[] = [];
  readonly deadLetters: { job: DeliveryJob; reason: string }[] = [];
  /** While set, enqueue and deadLetter fail as an unreachable queue would. */
  failing = false;

  async enqueue(jobs: readonly FanoutJob[], options: EnqueueOptions = {}) {
    if (this.failing) throw new StoreUnavailableError('fan-out queue');
    for (const job of jobs) {
      // A copy, as a message body is: later changes to the job do not reach the queue.
      const entry = { job: structuredClone(job), delaySeconds: options.delaySeconds ?? 0 };
      this.pending.push(entry);
      this.enqueued.push(entry);
    }
  }

  async deadLetter(job: DeliveryJob, reason: string): Promise<void> {
    if (this.failing) throw new StoreUnavailableError('fan-out queue');
    this.deadLetters.push({ job: structuredClone(job), reason });
  }

  /** The queued jobs of one kind. */
  jobsOf<K extends FanoutJob['kind']>(kind: K): Extract<FanoutJob, { kind: K }>[] {
    return this.pending
      .map((entry) => entry.job)
      .filter((job): job is Extract<FanoutJob, { kind: K }> => job.kind === kind);
  }

  /**
   * Runs queued jobs (and the jobs they queue) through the worker core until none is left
   * or `maxJobs` ran; returns each job's outcome.
   */
  async drain(deps: ChatDeps, budget: Partial<JobBudget> = {}, maxJobs = 1_000) {
    const outcomes: JobOutcome[] = [];
    for (let entry = this.pending.shift(); entry; entry = this.pending.shift()) {
      if (outcomes.length >= maxJobs) throw new Error(`still jobs left after ${maxJobs}`);
      outcomes.push(
        await runFanoutJob(deps, entry.job, {
          postsPerSecond: 1_000_000,
          remainingMs: () => 30_000,
          reserveMs: 0,
          sleep: async () => {},
          ...budget,
        }),
      );
    }
    return outcomes;
  }
}

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger that keeps its entries instead of printing them. */
export class RecordingLogger implements ChatLogger {
  readonly entries: LogEntry[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, ...(fields ? { fields } : {}) });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, ...(fields ? { fields } : {}) });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, ...(fields ? { fields } : {}) });
  }
}

export interface FakeWorld {
  deps: ChatDeps;
  messages: FakeMessageStore;
  rooms: FakeRoomStore;
  connections: FakeConnectionStore;
  cache: MemoryRoomCache;
  /** The dev server's in-memory limiter: the fakes' rate limits are real ones. */
  limiter: MemoryRateLimiter;
  /** The dev server's in-memory presence cache. */
  presence: MemoryPresenceCache;
  sender: RecordingSender;
  queue: RecordingQueue;
  log: RecordingLogger;
  /** Object storage for attachments (test/support/fake-files.ts). */
  files: FakeFileStore;
}

/** A fresh set of fakes wired together as the core's dependencies. */
export function fakeWorld(limits: Partial<ChatDeps['limits']> = {}): FakeWorld {
  const merged = { ...DEFAULT_LIMITS, ...limits };
  const messages = new FakeMessageStore();
  const rooms = new FakeRoomStore(messages.state);
  const connections = new FakeConnectionStore();
  const cache = new MemoryRoomCache(merged.recentWindow);
  const sender = new RecordingSender();
  const queue = new RecordingQueue();
  const log = new RecordingLogger();
  const limiter = new MemoryRateLimiter();
  const presence = new MemoryPresenceCache();
  const files = new FakeFileStore();
  return {
    deps: {
      messages,
      rooms,
      roomFacts: rememberRoomFacts(rooms),
      connections,
      cache,
      sender,
      queue,
      limiter,
      presence,
      limits: merged,
      log,
      files,
    },
    messages,
    rooms,
    connections,
    cache,
    limiter,
    presence,
    sender,
    queue,
    log,
    files,
  };
}

/** An action's `reply` for `caller`: the frame goes to `world.sender`, as the handlers send it. */
export function replyTo(world: FakeWorld, caller: { connectionId: string }) {
  return async (frame: ReplyFrame): Promise<void> => {
    await world.sender.send(caller.connectionId, JSON.stringify(frame));
  };
}

/** What a connection's client would show now: the newest history page of the room. */
export async function historyAs(world: FakeWorld, caller: Caller, roomId: string) {
  await getHistory(world.deps, caller, { roomId }, replyTo(world, caller));
  return world.sender.framesOfType(caller.connectionId, 'room_history').at(-1)?.messages ?? [];
}

/**
 * What the handler factories (`makeXHandler`) need, over `world`'s fakes: a runtime with a
 * config read from a fake environment, a pool that is never queried, and `deps` returning
 * the fakes; replies without a runtime go to `world.sender` too. `verifier` is not faked.
 */
export function fakeWiring(world: FakeWorld): HandlerWiring {
  const config = readConfig({ DATABASE_URL: 'postgres://x', PARLEY_CACHE: 'memory' });
  const pool = { end: async () => undefined } as unknown as Runtime['pool'];
  const runtime: Runtime = {
    config,
    pool,
    cache: world.deps.cache,
    connections: world.deps.connections,
    presence: world.deps.presence,
    files: world.deps.files,
    deps: () => world.deps,
    close: async () => undefined,
  };
  return {
    runtime: async () => runtime,
    connectionStore: () => world.connections,
    maxConnectionsPerUser: () => world.deps.limits.maxConnectionsPerUser,
    replySender: () => world.sender,
    verifier: () => Promise.reject(new Error('the fake world verifies no tokens')),
  };
}
