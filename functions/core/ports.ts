/**
 * The chat core's ports: small structural interfaces that the adapters in `stores/` fill
 * (PostgreSQL, DynamoDB, Redis or its in-memory stand-in, the Management API), and that
 * tests fill with fakes. The core never imports an adapter.
 */
import type { RoomFacts } from './encrypted-rooms.js';
import type { MemberChange } from './governance.js';
import type { Message, RoomConnection, StoredAttachment } from './message.js';
import type { Member, Room, RoomSummary, Visibility } from './room.js';

export interface NewMessage {
  roomId: string;
  userId: string;
  content: string;
  clientMsgId?: string;
  /** A seq of the same room; the store refuses (`bad_request`) one it does not hold. */
  replyTo?: number;
  /** Parsed from the content by the core (core/mentions.ts); stored for unread counts. */
  mentions?: string[];
  /** Files the core checked in object storage (core/files.ts), without their links. */
  attachments?: StoredAttachment[];
}

/** An edit of a message's content (protocol v2, "Messages"). */
export interface MessageEdit {
  roomId: string;
  seq: number;
  /** Who asks: only the message's own author may edit it. */
  editorId: string;
  content: string;
  /** Parsed from the new content by the core: they replace the message's mentions. */
  mentions?: string[];
}

/** A reader adds (`on`) or takes back a reaction (protocol v2, "Messages"). */
export interface ReactionChange {
  roomId: string;
  seq: number;
  userId: string;
  emoji: string;
  on: boolean;
  /**
   * The most distinct emoji a message may carry: a new emoji beyond it is `forbidden`, so
   * a message's reactions stay within what a reply can carry (REACTIONS_MAX_PER_MESSAGE).
   */
  maxEmoji: number;
}

/** What a reaction left: the change, and the emoji the reacting user has on the message. */
export interface ReactionResult extends MessageChange {
  /** The reacting user's own reactions on the message after the call (their `me`). */
  mine: string[];
}

/** One reaction of one user, as a reader's page needs it to mark `me`. */
export interface OwnReaction {
  seq: number;
  emoji: string;
}

/** A deletion: the message becomes a tombstone (`content` '', `deleted`), its seq stays. */
export interface MessageDeletion {
  roomId: string;
  seq: number;
  /** Who asks. */
  actorId: string;
  /** The actor is the room's owner or admin (the core looked it up), so may delete any message. */
  asModerator: boolean;
}

/**
 * What an edit or delete left: the message as stored now, and whether this call changed
 * it. `changed: false` is a retry (the same content again, a tombstone deleted again):
 * nothing was written and nobody is owed a frame.
 */
export interface MessageChange {
  message: Message;
  changed: boolean;
}

export interface HistoryQuery {
  before?: number;
  after?: number;
  limit: number;
}

export interface HistoryPage {
  /** Ascending seq. */
  messages: Message[];
  hasMore: boolean;
  /**
   * The lowest seq the room's history still holds (`rooms.first_seq`): 1 unless a retention
   * purge removed older messages. Absent when the store did not read it (counts as 1).
   */
  firstSeq?: number;
}

/**
 * A member's read cursor in a room (protocol v2, "Read state"): every message up to
 * `readSeq` counts as read; `unread` is `lastSeq - readSeq`.
 */
export interface ReadCursor {
  readSeq: number;
  lastSeq: number;
}

/** What a `markRead` left: the cursor now, and whether this call moved it. */
export interface ReadMark extends ReadCursor {
  /** False when the cursor was at or past the seq already: nothing was written. */
  moved: boolean;
}

/**
 * A search of the messages a user may read (protocol v2, "Search"): the rooms they are an
 * active member of (not banned; removed members have no row), never an encrypted room,
 * never a tombstone.
 */
export interface SearchQuery {
  userId: string;
  /** The user's words, as typed (websearch syntax: quotes, `or`, `-`). */
  text: string;
  /** Only this room (still only if the user may read it). */
  roomId?: string;
  limit: number;
  /** From a previous page of the same search; `bad_request` for any other. */
  cursor?: string;
}

/** One message a search found, as stored now (`me: false`: the record's counts). */
export interface SearchHit {
  message: Message;
  /** The searching user's own reactions on it (their `me`). */
  mine: string[];
  /**
   * An excerpt with the matches the store found between HIGHLIGHT_START and HIGHLIGHT_END;
   * the core marks CJK runs and bounds it (core/search-highlight.ts).
   */
  highlight: string;
}

/** Best first: rank, then newest; `cursor` when more follow. */
export interface SearchPage {
  hits: SearchHit[];
  cursor?: string;
}

/** The record: rooms, membership, messages (PostgreSQL). */
export interface MessageStore {
  /**
   * Makes `userId` a member of `roomId`, creating the room (public) if it does not exist.
   * Throws `forbidden` when the user is banned or the room is private and they are not a
   * member. Returns the room's last seq and the member's read cursor (a member new to the
   * room starts at the last seq: what was said before they came is not unread to them).
   */
  joinRoom(roomId: string, userId: string): Promise<ReadCursor>;
  /**
   * Moves the member's read cursor to `seq`, clamped to the room's last seq, in one
   * statement; never back (`GREATEST`). `not_found` for an unknown room, `forbidden` for a
   * user who is not a member or is banned.
   */
  markRead(roomId: string, userId: string, seq: number): Promise<ReadMark>;
  /**
   * Stores a message with the room's next seq in one statement. A repeated
   * `clientMsgId` from the same user in the same room returns the stored message with
   * `duplicate: true` and stores nothing. Throws `not_found` if the room does not exist.
   */
  appendMessage(message: NewMessage): Promise<{ message: Message; duplicate: boolean }>;
  /**
   * Replaces a message's content and sets `editedAt`, in one statement. `not_found` when the
   * room has no such seq; `forbidden` when it is someone else's message or a tombstone.
   * `editedAt` grows with every edit of a message (never equal, never back), so two states
   * of one message can be ordered (see core/message-version.ts).
   */
  editMessage(edit: MessageEdit): Promise<MessageChange>;
  /**
   * Makes a message a tombstone, in one statement: `content` '', `deleted: true`, the seq
   * and the rest kept. `not_found` when there is no such seq; `forbidden` when it is
   * someone else's and `asModerator` is false.
   */
  deleteMessage(deletion: MessageDeletion): Promise<MessageChange>;
  /**
   * Adds or takes back one user's reaction, in one transaction with the message's counts
   * (`reactions`, in order of each emoji's first use, an emoji dropped at 0) and its `rev`.
   * Idempotent: a reaction the user already has (or has not) changes nothing and answers
   * `changed: false`. `not_found` when the room has no such seq; `forbidden` on a
   * tombstone, or for a new emoji on a message at `maxEmoji`.
   */
  react(change: ReactionChange): Promise<ReactionResult>;
  /**
   * The user's own reactions on the given seqs of a room (one query on the
   * `reactions_viewer` index), so a page can mark `me` for its reader.
   */
  reactionsBy(roomId: string, userId: string, seqs: readonly number[]): Promise<OwnReaction[]>;
  /**
   * The direct replies to `seq` (messages whose `replyTo` is it), ascending, after `after`
   * (0: from the first), at most `limit`, `hasMore` when more follow; served by the
   * `messages_thread` index. `not_found` when the room has no such seq.
   */
  thread(
    roomId: string,
    seq: number,
    query: { after?: number; limit: number },
  ): Promise<HistoryPage>;
  /**
   * A page of history, served by the (room_id, seq) index: O(limit), not O(offset). Every
   * read answers the current state: edited content with `editedAt`, tombstones.
   */
  history(roomId: string, query: HistoryQuery): Promise<HistoryPage>;
  /**
   * One page of a full-text search (see SearchQuery for its scope), best first; served by
   * the `messages_search` index. The cursor is the store's own and holds the search it
   * came from: `bad_request` when it is not one this store gave for the same search.
   */
  search(query: SearchQuery): Promise<SearchPage>;
  /**
   * The newest `limit` messages, ascending, the room's last seq, and the lowest seq its
   * history still holds (absent: 1).
   */
  latest(
    roomId: string,
    limit: number,
  ): Promise<{ messages: Message[]; lastSeq: number; firstSeq?: number }>;
}

export interface NewRoom {
  roomId: string;
  name?: string;
  visibility: Visibility;
  encrypted: boolean;
  createdBy: string;
}

export interface RoomPatch {
  name?: string;
  visibility?: Visibility;
  slowModeSec?: number;
  /** null: keep messages for ever. */
  retentionDays?: number | null;
}

export interface PageQuery {
  cursor?: string;
  limit: number;
}

/**
 * Rooms and their members as governed by protocol v2 (PostgreSQL). Every change is one
 * transaction with its audit record; the rules of who may make it are the core's
 * (`governance.ts`), run by the store with the rows it depends on locked. Refusals are
 * `ChatError`s: `conflict`, `not_found`, `forbidden`, `bad_request`.
 */
export interface RoomStore {
  /** Creates a room, its creator its owner. `conflict` if the id is taken. */
  createRoom(room: NewRoom): Promise<Room>;
  getRoom(roomId: string): Promise<Room | undefined>;
  /** The user's row in the room (a banned user has one), or undefined. */
  getMember(roomId: string, userId: string): Promise<Member | undefined>;
  /** Members (banned ones excluded), by user id. */
  listMembers(roomId: string, page: PageQuery): Promise<{ members: Member[]; cursor?: string }>;
  /** The user's rooms (not those they are banned from), newest activity first. */
  listRooms(userId: string, page: PageQuery): Promise<{ rooms: RoomSummary[]; cursor?: string }>;
  /** Changes a room's settings if `actorId` may (`authorizeRoomUpdate`); audited. */
  updateRoom(roomId: string, actorId: string, patch: RoomPatch): Promise<Room>;
  /**
   * Makes a membership change if `authorizeMemberChange` allows it; audited unless it
   * changed nothing. Answers the target's row after the change (`removed` when it is gone)
   * and whether anything changed.
   */
  changeMember(change: MemberChange): Promise<{ member: Member; changed: boolean }>;
  /** The DM room of two users, created (both members) on first use. */
  openDm(userId: string, otherId: string): Promise<Room>;
}

/** A room that keeps its messages for a limited time. */
export interface RetentionRoom {
  roomId: string;
  retentionDays: number;
}

/**
 * The record as the retention purge sees it (PostgreSQL). Every call is one bounded
 * statement or transaction: a purge never deletes a room's history in one go.
 */
export interface RetentionStore {
  /** Rooms with `retentionDays` set, by id, after `afterRoomId` ('' from the start). */
  roomsWithRetention(afterRoomId: string, limit: number): Promise<RetentionRoom[]>;
  /** The room's oldest `limit` kept messages (seq and creation time), ascending. */
  oldestMessages(roomId: string, limit: number): Promise<import('./retention.js').AgedSeq[]>;
  /**
   * Deletes the room's messages below `firstSeq` and raises its first seq to it, in one
   * transaction; never lowers it (a concurrent purge that went further wins). Answers how
   * many messages it deleted.
   */
  purgeBelow(roomId: string, firstSeq: number): Promise<number>;
}

export interface ConnectionRecord {
  connectionId: string;
  userId: string;
  connectedAt: number;
  /** `compact` when the handshake asked for compact frames (`?format=compact`). */
  format?: 'compact';
}

/** Connections and the rooms each has joined (DynamoDB): the durable home of "who is here". */
export interface ConnectionStore {
  putConnection(connection: ConnectionRecord): Promise<void>;
  getConnection(connectionId: string): Promise<ConnectionRecord | undefined>;
  /** Resolves true when the connection had already joined the room. */
  addToRoom(roomId: string, connection: RoomConnection): Promise<boolean>;
  /** Resolves true when the connection had joined the room. */
  removeFromRoom(roomId: string, connectionId: string): Promise<boolean>;
  isInRoom(roomId: string, connectionId: string): Promise<boolean>;
  /** The rooms a connection has joined, read by key (the cap on rooms per connection). */
  roomsOf(connectionId: string): Promise<string[]>;
  /**
   * How many connections the user has that are live (recorded, not deleted, not past their
   * TTL), read by key: the cap on connections per user.
   */
  liveConnectionsOf(userId: string): Promise<number>;
  /** The ids of the user's live connections, read by key (a status change's rooms). */
  connectionIdsOf(userId: string): Promise<string[]>;
  /** One room's connections, read by key: never a scan. */
  roomConnections(roomId: string): Promise<RoomConnection[]>;
  /** Deletes the connection and its room joins; says whose it was and which rooms it had. */
  deleteConnection(connectionId: string): Promise<{ userId?: string; rooms: string[] }>;
  /**
   * Records the user's chosen status (one item per user, kept until changed): the durable
   * home presence rebuilds from after the cache lost it. Keeps any `lastSeen`.
   */
  putStatus(userId: string, status: UserStatus): Promise<void>;
  /** Records when the user's last connection went (ms since 1970). Keeps the status. */
  putLastSeen(userId: string, at: number): Promise<void>;
  /** What is recorded for each user asked for (absent: nothing recorded), read by key. */
  userStates(userIds: readonly string[]): Promise<Map<string, UserState>>;
  /**
   * Deletes what is kept of the user between connections (status, text, `lastSeen`): a
   * user's erasure. Resolves the same whether or not anything was recorded.
   */
  forgetUserState(userId: string): Promise<void>;
}

/** A status a user chose with `set_status`. */
export interface UserStatus {
  status: 'online' | 'away' | 'dnd';
  text?: string;
}

/** What the connections table keeps of a user between connections. */
export interface UserState {
  status?: UserStatus;
  /** When their last connection went, ms since 1970. */
  lastSeen?: number;
}

/**
 * Presence's short-lived facts (Redis, or the dev server's in-memory stand-in): when each
 * connection last sent a frame, who is typing where, and users' statuses as cached.
 * Nothing here is durable: a lost heartbeat counts from the moment it was found missing,
 * a lost status is read again from the ConnectionStore.
 */
export interface PresenceCache {
  /**
   * Notes that the connection sent a frame at `now` (ms). One command, issued without an
   * await before it, so that it shares the auto-pipelined round trip of the request's
   * first Redis call (runtime/message-route.ts).
   */
  touch(connectionId: string, now: number): Promise<void>;
  /**
   * When each connection last sent a frame, in order. A connection the cache has no record
   * of (a flush, an eviction) is recorded as active at `now` and answered so: the TTL
   * starts again rather than dropping everyone the cache forgot.
   */
  lastActive(connectionIds: readonly string[], now: number): Promise<number[]>;
  /**
   * Whether a typing `state` from the user in the room is relayed: a `start` unless one was
   * relayed less than `throttleMs` ago (it then lasts `expiryMs`); a `stop` only while a
   * relayed `start` lasts (and it ends it).
   */
  typing(
    userId: string,
    roomId: string,
    state: 'start' | 'stop',
    timing: { now: number; throttleMs: number; expiryMs: number },
  ): Promise<boolean>;
  /** The cached statuses of these users, in order (undefined: not cached). */
  statuses(userIds: readonly string[]): Promise<(UserStatus | undefined)[]>;
  /** Caches a user's status. */
  putStatus(userId: string, status: UserStatus): Promise<void>;
  /** Drops the user's cached status (an erasure); nothing cached is not an error. */
  forgetStatus(userId: string): Promise<void>;
}

/** The newest messages of a room as cached: complete from `floor` up to the newest. */
export interface RecentWindow {
  /** The lowest seq from which the cached messages have no gaps. */
  floor: number;
  /** Ascending seq. */
  messages: Message[];
  /**
   * The lowest seq the record held when the window was filled (absent: 1). Without it a
   * window that reaches its room's first kept message would claim older ones exist after a
   * retention purge; a purge drops the window, so the next fill reads the new value.
   */
  firstSeq?: number;
}

/**
 * How much of a room a presence answer may carry: a room of 100,000 must not send its
 * whole membership back on every join. Set by the core (`presenceView`), never by a store.
 */
export interface PresenceView {
  /** At most this many user ids in `online`. */
  onlineMax: number;
  /** `others` only while the room has at most this many connections (after the change). */
  othersMax: number;
}

/** A room's presence right after one of its connections joined or left. */
export interface PresenceChange {
  /** User ids with a connection in the room after the change: at most `onlineMax`. */
  online: string[];
  /** How many users have a connection in the room after the change. */
  onlineCount: number;
  /** How many connections the room has after the change. */
  connectionCount: number;
  /** Whether the connection's user has another connection in the room after the change. */
  userHasOthers: boolean;
  /**
   * The room's other connections, present only when `userHasOthers` is false (the user
   * came online or went offline, so they are owed a presence frame) and the room has at
   * most `othersMax` connections after the change (a bigger room is told a count instead).
   */
  others?: RoomConnection[];
}

/**
 * A room's connections as the cache has them: the list on a hit; on a miss, the version
 * a fill from the durable store must present (read after the miss, before that read).
 */
export type CachedConnections =
  | { connections: RoomConnection[]; joinStamp: string; version?: undefined }
  | { connections?: undefined; joinStamp?: undefined; version: string };

/**
 * What a send's window append says about the room's connections since the send read them
 * (by their `joinStamp`): nobody joined; some did, and these are the connections now; or
 * the cache cannot tell (the room is not cached, or the send read it from the durable
 * store), so the caller reads the durable store again. See the send-message action.
 */
export type JoinsSince =
  | { kind: 'none' }
  | { kind: 'joined'; connections: RoomConnection[] }
  | { kind: 'unknown' };

/**
 * The cache (Redis, or the dev server's in-memory stand-in). Every read answers
 * `undefined` on a miss; the core then reads through from the durable store and refills.
 * Membership writes to a room that is not cached only note themselves for the next fill,
 * so a partial list is never mistaken for the whole room.
 */
export interface RoomCache {
  /**
   * The room's connections and their `joinStamp` (a value every join or fill replaces, never
   * repeated), or on a miss the `version` (the room's epoch) a fill must present: it changes
   * only when the cache loses its record of the room (a flush, an eviction), so a fill read
   * across such a loss is refused (see below).
   */
  roomConnections(roomId: string): Promise<CachedConnections>;
  isInRoom(roomId: string, connectionId: string): Promise<boolean | undefined>;
  /**
   * Which of `connectionIds` are in the room now, or undefined when it is not cached: a
   * queued slice checks its audience before posting, so a connection that left after the
   * frame was made is not posted to. O(ids), not O(room).
   */
  membersOf(roomId: string, connectionIds: readonly string[]): Promise<Set<string> | undefined>;
  /**
   * Caches connections read from the durable store, merged with the joins and leaves made
   * since the miss (which the read may have missed: a join must not be lost, a connection
   * that left must not come back). Does nothing when the room is cached already (a fill
   * can only be older) or its epoch is no longer `version`. Concurrent fills never refuse
   * one another: a herd of joins to an uncached room reads it once each, not once a refusal.
   */
  fillRoomConnections(
    roomId: string,
    connections: readonly RoomConnection[],
    version: string,
  ): Promise<void>;
  /**
   * Adds a connection; says who is online now and whether its user already had another
   * connection here, or undefined on a miss. O(view), not O(room): a join to a room of
   * 100,000 stays cheap.
   */
  addRoomConnection(
    roomId: string,
    connection: RoomConnection,
    view: PresenceView,
  ): Promise<PresenceChange | undefined>;
  /**
   * Removes a connection; says who is online now and whether its user still has another
   * connection here, or undefined on a miss (O(view), as adding). A connection the room
   * does not list changes nothing: `userHasOthers` is true, so nobody is told its user
   * left (whoever removed it told them).
   */
  removeRoomConnection(
    roomId: string,
    connectionId: string,
    view: PresenceView,
  ): Promise<PresenceChange | undefined>;
  /**
   * Claims the room's next presence count, due in `seconds`: true for the first caller
   * of that period (who schedules it), false for every other until it has passed.
   */
  claimPresenceCount(roomId: string, seconds: number): Promise<boolean>;
  /**
   * Claims the user's next read receipt in the room: true for the first caller of a
   * `ms`-long period, false for every other until it has passed (core/read-state.ts).
   */
  claimReadReceipt(roomId: string, userId: string, ms: number): Promise<boolean>;

  recentMessages(roomId: string): Promise<RecentWindow | undefined>;
  /**
   * Replaces the room's recent window with messages read from the record. An entry the
   * window holds in a later state (edited or deleted after the fill's read) is kept.
   */
  fillRecentMessages(roomId: string, window: RecentWindow): Promise<void>;
  /**
   * Adds a just-committed message, trims to the window size, keeps `floor` true. Unlike
   * the other writes it also stores the message for a room with no window yet, so that a
   * fill which read the record just before this commit merges with it. In the same atomic
   * step it compares the room's join stamp with `joinStamp` (what the sender read before
   * storing; undefined if it read no stamp) and says who joined since: a join that lands
   * after this step finds the message in the window, one before it is in the answer.
   */
  appendRecentMessage(roomId: string, message: Message, joinStamp?: string): Promise<JoinsSince>;
  /**
   * Puts an edited or deleted message's current state in the window in place of its seq's
   * entry, unless the entry there is a later state already (`supersedes` in
   * core/message-version.ts, which fills and appends follow too). Below the window's
   * floor it does nothing. Like an append, it also stores the message for a room with no
   * window yet, so that a fill which read the record before the change merges with it
   * rather than cache the old state (docs/decisions/2026-12-06-message-edits.md).
   */
  replaceRecentMessage(roomId: string, message: Message): Promise<void>;
  /** Drops the room's window, so the next read rebuilds it from the record. */
  forgetRecentMessages(roomId: string): Promise<void>;
}

export interface BroadcastResult {
  /** Connections that answered 410: gone, to be removed everywhere. */
  gone: string[];
  /**
   * Posts that may succeed if tried again: throttled (429 `LimitExceededException`, the
   * account's shared request quota), timed out, a 5xx or a network failure. The caller
   * retries them later; none of them is dropped silently.
   */
  retry: string[];
  /** Posts that will never succeed as sent (413, 403, 400): logged by the adapter. */
  failed: number;
}

/** Sends frames to connections (the API Gateway Management API). */
export interface ConnectionSender {
  /** Sends one frame; resolves false if the connection is gone (410). */
  send(connectionId: string, data: string): Promise<boolean>;
  /** Sends the same frame to many connections in parallel through a bounded pool. */
  broadcast(connectionIds: readonly string[], data: string): Promise<BroadcastResult>;
}

/** One slice of a room's audience: a frame to post to these connections. */
export interface DeliveryJob {
  kind: 'deliver';
  roomId: string;
  /** The frame as sent, serialised once, in the format every connection of `to` reads. */
  frame: string;
  /** The connections still owed the frame, with their users (for the clean-up of gone ones). */
  to: RoomConnection[];
  /** Failed tries so far: 0 for a fresh slice. */
  attempt: number;
}

/** Tells a big room how many users are online, counted when the job runs. */
export interface PresenceCountJob {
  kind: 'presence_count';
  roomId: string;
}

export type FanoutJob = DeliveryJob | PresenceCountJob;

/**
 * Hands deliveries to fan-out workers (SQS and its worker Lambdas; locally an emulated
 * queue): for audiences too big for the invocation that made the frame, and for posts
 * that must be tried again later.
 */
export interface EnqueueOptions {
  /** Each job runs this much later (0 to 900). */
  delaySeconds?: number;
  /** Give up after this long: a worker must hand back before Lambda ends it. */
  timeoutMs?: number;
}

export interface FanoutQueue {
  /**
   * Resolves once the queue holds the jobs durably. Rejects with `QueueRefusedError`
   * naming the jobs it did not take when it took only some (or none).
   */
  enqueue(jobs: readonly FanoutJob[], options?: EnqueueOptions): Promise<void>;
  /** Parks a delivery that can no longer be tried in the dead-letter queue, with why. */
  deadLetter(job: DeliveryJob, reason: string): Promise<void>;
}

/** One token bucket a request pays a token from. */
export interface RateCharge {
  /** The bucket's name, unique within its scope. */
  key: string;
  /** Tokens added per second. */
  rate: number;
  /** The bucket's capacity, and what a bucket never used holds. */
  burst: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Token buckets (Redis, or the dev server's in-memory stand-in). Refusals are cheap: no
 * other store is read.
 */
export interface RateLimiter {
  /**
   * Takes one token from every bucket named, all or nothing: when any is empty none is
   * charged, and the answer says how long until all of them could pay (at least 1 ms).
   * The buckets of one call belong to one `scope` (a user), which an adapter keeps together
   * (one Redis Cluster slot); their keys are distinct. Rejects only when the store fails.
   */
  take(scope: string, charges: readonly RateCharge[]): Promise<RateDecision>;
}

/** What an upload is signed for; the signature binds every field (protocol v2, "Files"). */
export interface UploadSpec {
  /** `rooms/{roomId}/{uploadId}` (core/files.ts). */
  key: string;
  size: number;
  contentType: string;
  uploaderId: string;
  roomId: string;
  fileName: string;
}

/** A signed PUT: the client sends the bytes to `url` with exactly `headers`. */
export interface SignedUpload {
  url: string;
  headers: Record<string, string>;
}

/** What object storage holds under an upload's key, as its signed upload stored it. */
export interface StoredUpload {
  size: number;
  contentType: string;
  /** The signed metadata; absent on an object that was not put by a signed upload. */
  uploaderId?: string;
  roomId?: string;
  fileName?: string;
}

/**
 * Object storage for attachments (S3, or the dev server's S3-compatible stand-in). Signing
 * is local work (no request); `statUpload` is one HEAD. Rejects only when the store fails.
 */
export interface FileStore {
  /** A new upload id: a random UUID (the core has no source of randomness of its own). */
  newUploadId(): string;
  signUpload(spec: UploadSpec, expiresInSeconds: number): Promise<SignedUpload>;
  /** The object under `key`, or undefined when there is none. */
  statUpload(key: string): Promise<StoredUpload | undefined>;
  /** A signed GET of `key`, valid for `expiresInSeconds`. */
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
  /**
   * Deletes the objects under `keys` (erasing a user). A key that holds nothing is not an
   * error, so a run cut short can be repeated; resolves once every object is gone.
   */
  deleteObjects(keys: readonly string[]): Promise<void>;
}

/** Whole objects, for the thumbnail worker (S3, or the dev server's local S3). */
export interface ObjectBucket {
  /** The object's bytes and type, or undefined when there is none. */
  getObject(key: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
  putObject(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
}

/** Makes an image's thumbnail (sharp). */
export interface Thumbnailer {
  /** The thumbnail's bytes, in `contentType`. */
  readonly contentType: string;
  thumbnail(image: Uint8Array): Promise<Uint8Array>;
}

export interface ChatLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ChatDeps {
  messages: MessageStore;
  rooms: RoomStore;
  /** What never changes about a room (its `encrypted` flag), remembered (encrypted-rooms.ts). */
  roomFacts: RoomFacts;
  connections: ConnectionStore;
  cache: RoomCache;
  sender: ConnectionSender;
  queue: FanoutQueue;
  limiter: RateLimiter;
  presence: PresenceCache;
  limits: import('./limits.js').ChatLimits;
  log: ChatLogger;
  /** Attachments' object storage; without it `request_upload` is `unavailable`. */
  files?: FileStore;
}
