/**
 * The Parley client: one WebSocket at a time, reopened with backoff when it drops, and
 * replaced before API Gateway's 2-hour limit by a second one opened first (rollover.ts);
 * every joined room rejoined with `since` so the app sees each message once, in seq order;
 * requests correlated by `requestId`; sends retried with their `clientMsgId` until acked.
 * The contract is /client/README.md; the wire is docs/protocol.md.
 */
import { RETRYABLE_CODES } from '../protocol/error-codes.js';
import { Backoff } from './backoff.js';
import {
  DEFAULT_FRAME_FORMAT,
  type FrameFormat,
  handshakeUrl,
  parseServerFrame,
} from './compact.js';
import type { RoomKey } from './crypto.js';
import { Deferred } from './deferred.js';
import { Emitter } from './emitter.js';
import { errorFromFrame, isParleyError, MAX_FRAME_BYTES, ParleyError } from './errors.js';
import {
  type FileApi,
  fetchBytes,
  readUpload,
  type UploadBytes,
  type UploadedFile,
  type UploadOptions,
  type UploadSource,
  uploadFile,
} from './files.js';
import { userIdOfToken } from './identity.js';
import { timeOrderedId } from './ids.js';
import { PendingRequests } from './pending.js';
import { IdlePing, type PresenceApi, PresenceCalls } from './presence.js';
import type { ReactionApi } from './reactions.js';
import { ReadMarks } from './read-marks.js';
import { type ReadStateApi, ReadStates } from './read-state.js';
import { DEFAULT_ROLLOVER_AFTER_MS, RolloverClock } from './rollover.js';
import type { Repeat, RoomApi } from './room-calls.js';
import { RoomKeys } from './room-keys.js';
import { RoomStream } from './room-stream.js';
import { type SearchApi, type SearchOptions, type SearchPage, searchMessages } from './search.js';
import { type OutgoingSend, SendQueue } from './send-queue.js';
import {
  defaultWebSocket,
  type SocketCloseInfo,
  SocketConnection,
  type WebSocketConstructor,
} from './socket.js';
import type {
  Attachment,
  ClientFrame,
  ConnectionState,
  HistoryResult,
  JoinResult,
  Member,
  MemberUpdateEvent,
  Message,
  MessageDeletedEvent,
  PresenceEvent,
  ReactionEvent,
  ReadEvent,
  ReadStateEvent,
  ReconnectOptions,
  RemovedEvent,
  RoomSummary,
  ServerFrame,
  TypingEvent,
  TypingUsersEvent,
} from './types.js';
import { OthersTyping, OwnTyping, type TypingApi, type TypingOptions } from './typing.js';

/** How a message is sent. */
export interface SendOptions {
  /** The idempotency key; made for you when absent (see README, "Sending"). */
  clientMsgId?: string;
  /** The seq of a message in the same room that this one replies to. */
  replyTo?: number;
  /** `uploadId`s from `upload` in the same room; `content` may then be ''. */
  attachments?: string[];
}

export interface ConnectOptions {
  /** `ws://127.0.0.1:3001` or `wss://{apiId}.execute-api.{region}.amazonaws.com/{stage}`. */
  url: string;
  /** A JWT, or a function called on every (re)connect that returns a fresh one. */
  token: string | (() => string | Promise<string>);
  /** Per request, while connected. Default 10 000. */
  requestTimeoutMs?: number;
  /**
   * How long a seq gap may wait for the missing messages to arrive by themselves before
   * they are fetched with `get_history` (plus up to as much again, at random, so a big
   * room does not fetch at once). Big rooms' messages reach members through a queue that
   * can deliver them out of order; most gaps close on their own. Default 1 000; 0 fetches
   * at once.
   */
  gapGraceMs?: number;
  reconnect?: ReconnectOptions;
  /**
   * A connection this old is replaced by a new one opened first, its rooms rejoined with
   * `since`, before the old one is closed: API Gateway ends every connection at 2 hours,
   * and a reconnect after that would show you leaving and coming back to every room
   * (README, "Connection rollover"). Default 6 900 000 (115 minutes); 0 turns it off.
   */
  rolloverAfterMs?: number;
  /** Sends that may wait for a connection; beyond it `send` rejects with `queue_full`. Default 100. */
  maxQueuedSends?: number;
  /** Default: the `ws` package under Node.js, the global WebSocket in browsers. */
  WebSocket?: WebSocketConstructor;
  /**
   * Your user id, when the token is not a JWT whose `sub` says it (the SDK reads `sub`
   * without checking it; failing both, it learns the id from your first acked send).
   */
  userId?: string;
  /** When `typing()` says `start` and `stop`, and how long others' `start` lasts. */
  typing?: TypingOptions;
  /**
   * After this long without sending anything the client sends `ping`, so the server
   * (which counts a connection silent for 300 s as gone) keeps you present. Default
   * 120 000; 0 turns it off.
   */
  idlePingMs?: number;
  /**
   * The shortest time between two `markRead`s of one room that reach the server: a mark
   * sooner waits, joined by any made meanwhile, so that the room hears every read receipt
   * (the server drops one that follows another within its `RECEIPT_THROTTLE_MS`, 1 s by
   * default). A little over the server's setting, as two marks' trips to it differ; default
   * 1200, 0 sends every mark at once.
   */
  readMarkIntervalMs?: number;
  /** What `upload` sends the bytes with. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * How the server writes its frames to this client: `compact` (the SDK's default) with the
   * short keys of the published table, decoded here, or `long` as the protocol documents
   * them. Events and results are the same either way (docs/protocol.md, "Compact frames").
   */
  format?: FrameFormat;
}

export interface ParleyEvents extends Record<string, unknown> {
  state: ConnectionState;
  /** Every message of every joined room: once, in seq order per room, own sends included. */
  message: Message;
  presence: PresenceEvent;
  /**
   * A room's online users changed (join reply, presence or, in a big room,
   * `presence_count`): `users` as far as known (a big room lists at most a page of them),
   * `count` how many there are.
   */
  online: { roomId: string; users: string[]; count: number };
  /** A joined room could not be recovered (e.g. `forbidden` on rejoin): the app must act. */
  resync_failed: { roomId: string; error: ParleyError };
  /** Someone's standing in a joined room changed (added, removed, role, ban, mute). */
  member_update: MemberUpdateEvent;
  /** You were removed from or banned in a joined room: it is no longer joined. */
  removed: RemovedEvent;
  /** A message already emitted was edited (yours too): replace it by `roomId` and `seq`. */
  message_updated: Message;
  /** A message already emitted was deleted (yours too): it is a tombstone now. */
  message_deleted: MessageDeletedEvent;
  /**
   * Your read cursor or unread count in a room changed: `read_state` from the server (a
   * `markRead` here or on another device of yours), a join, `listRooms`, a new message.
   */
  read_state: ReadStateEvent;
  /** Someone else's read receipt in a joined room (see `seenBy`). */
  read: ReadEvent;
  /** Someone else started or stopped typing in a joined room. */
  typing: TypingEvent;
  /** The users typing in a joined room (`typingUsers`) changed. */
  typing_users: TypingUsersEvent;
  /**
   * Someone else's reaction in a joined room: apply it with `applyReaction`. Your own
   * `react` emits `message_updated` with the server's counts instead.
   */
  reaction: ReactionEvent;
  /** Error frames no call was waiting for, and a refused token. */
  error: ParleyError;
}

export interface ParleyClient
  extends RoomApi,
    ReadStateApi,
    TypingApi,
    PresenceApi,
    ReactionApi,
    SearchApi,
    FileApi {
  readonly state: ConnectionState;
  on<K extends keyof ParleyEvents>(
    event: K,
    listener: (payload: ParleyEvents[K]) => void,
  ): () => void;
  join(roomId: string, options?: { limit?: number }): Promise<JoinResult>;
  leave(roomId: string): Promise<void>;
  /** `replyTo`: the seq of a message in the same room that this one answers (quote or thread). */
  send(roomId: string, content: string, options?: SendOptions): Promise<Message>;
  history(
    roomId: string,
    options?: { before?: number; after?: number; limit?: number },
  ): Promise<HistoryResult>;
  online(roomId: string): string[];
  /** How many users are online in a joined room (in a big room, more than `online` lists). */
  onlineCount(roomId: string): number;
  lastSeq(roomId: string): number;
  /**
   * The AES-256-GCM key of an end-to-end encrypted room (crypto.ts: `deriveRoomKey`,
   * `importRoomKey`); `undefined` forgets it. With a key, `send` and `editMessage` there
   * send ciphertext and every message from the room reaches you decrypted; one no key
   * opens keeps its envelope as `content`.
   */
  setRoomKey(roomId: string, key: RoomKey | undefined): void;
  close(): Promise<void>;
}

/** Opens a client; it connects in the background (`state` tells how far it got). */
export function connect(options: ConnectOptions): ParleyClient {
  // A bad URL is the caller's mistake: say so now, not as a failed connection later.
  checkUrl(options.url);
  return new Client(options);
}

/** Throws a TypeError naming the problem unless `url` is a ws:// or wss:// URL. */
function checkUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    throw new TypeError(
      `Not a WebSocket URL: ${JSON.stringify(url)} (use ws://host:port or wss://host/stage)`,
    );
  }
}

/** UTF-8 bytes of a string without allocating it (TextEncoder would copy the frame). */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** The largest page the server serves: catching up takes as few round trips as it can. */
const PAGE_LIMIT = 100;

interface Room {
  readonly id: string;
  readonly limit: number | undefined;
  readonly stream: RoomStream;
  online: Set<string>;
  /** From the join reply's `onlineCount` and `presence_count`; `online.size` when none. */
  onlineCount: number | undefined;
  /** Waits `gapGraceMs` before a gap is fetched. */
  gapTimer: ReturnType<typeof setTimeout> | undefined;
  /** Joined at least once: a later failure to rejoin is a `resync_failed`. */
  joinedOnce: boolean;
  /** Settles when the room is joined (and caught up) on the current connection. */
  ready: Deferred<JoinResult>;
  filling: boolean;
  readonly retry: Backoff;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
}

class Client extends PresenceCalls implements ParleyClient {
  state: ConnectionState = 'connecting';
  private readonly events = new Emitter<ParleyEvents>();
  private readonly pending = new PendingRequests();
  private readonly sends: SendQueue;
  private readonly backoff: Backoff;
  private readonly rooms = new Map<string, Room>();
  private readonly timeoutMs: number;
  private connection: SocketConnection | undefined;
  /** The connection a rollover is preparing: opened, its rooms being rejoined. */
  private next: NextConnection | undefined;
  /** The connection a rollover replaced: open until the replies it owes have come. */
  private retiring: SocketConnection | undefined;
  private retireTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly rollover: RolloverClock;
  /** Settles when a connection is open; replaced when it drops. */
  private opened = new Deferred<void>();
  private everOpened = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly closed = new Deferred<void>();
  /** Your user id, once known (see `ConnectOptions.userId`). */
  private me: string | undefined;
  private readonly reads = new ReadStates((state) => this.events.emit('read_state', state));
  private readonly ownTyping: OwnTyping;
  private readonly marks: ReadMarks<ReadStateEvent>;
  private readonly othersTyping: OthersTyping;
  private readonly idlePing: IdlePing | undefined;
  private readonly keys = new RoomKeys();
  /** Frames waiting for one before them to be decrypted, so that all keep their order. */
  private inbound: Promise<void> | undefined;

  constructor(private readonly options: ConnectOptions) {
    super();
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.sends = new SendQueue(options.maxQueuedSends ?? 100);
    this.backoff = new Backoff(options.reconnect);
    this.me = options.userId;
    this.rollover = new RolloverClock(
      options.rolloverAfterMs ?? DEFAULT_ROLLOVER_AFTER_MS,
      options.reconnect,
      () => void this.rollOver(),
    );
    this.ownTyping = new OwnTyping(
      (roomId, state) => this.notify({ action: 'typing', roomId, state }),
      options.typing,
    );
    this.othersTyping = new OthersTyping(
      (roomId, users) => this.events.emit('typing_users', { roomId, users }),
      options.typing,
    );
    this.marks = new ReadMarks(options.readMarkIntervalMs ?? 1200, (roomId, seq) =>
      this.sendMark(roomId, seq),
    );
    const idleMs = options.idlePingMs ?? 120_000;
    if (idleMs > 0) this.idlePing = new IdlePing(idleMs, () => this.pingWhenIdle());
    void this.openSocket();
  }

  on<K extends keyof ParleyEvents>(
    event: K,
    listener: (payload: ParleyEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  // ---- the public calls ----------------------------------------------------------------

  join(roomId: string, options: { limit?: number } = {}): Promise<JoinResult> {
    if (this.state === 'closed') return Promise.reject(closedError());
    const existing = this.rooms.get(roomId);
    if (existing) {
      if (!existing.ready.settled) return existing.ready.promise;
      // Already joined on this connection: what the client holds is current.
      return Promise.resolve({
        roomId,
        messages: [],
        hasMore: false,
        online: [...existing.online],
        onlineCount: this.onlineCount(roomId),
        lastSeq: existing.stream.lastSeq,
        readSeq: this.readSeq(roomId),
        unread: this.unread(roomId),
      });
    }
    const room: Room = {
      id: roomId,
      limit: options.limit,
      stream: new RoomStream((message) => this.onDelivered(message)),
      online: new Set(),
      onlineCount: undefined,
      gapTimer: undefined,
      joinedOnce: false,
      ready: new Deferred(),
      filling: false,
      retry: new Backoff(this.options.reconnect),
      retryTimer: undefined,
    };
    this.rooms.set(roomId, room);
    this.reads.get(roomId)?.forgetReceipts();
    // Not open yet: the room is joined with the others as soon as the connection opens.
    if (this.state === 'open') void this.syncRoom(room);
    return room.ready.promise;
  }

  async leave(roomId: string): Promise<void> {
    this.dropRoom(roomId, new ParleyError('closed', `Left ${roomId} before it was joined`));
    // A new connection has joined nothing, so only an open one needs telling.
    if (this.state !== 'open') return;
    // A rollover's connection may have rejoined it already: it leaves too.
    const next = this.next;
    if (next?.rooms.delete(roomId)) this.leaveOn(next.connection, roomId);
    try {
      await this.request({ action: 'leave_room', roomId });
    } catch (error) {
      if (!isParleyError(error, 'disconnected')) throw error;
    }
  }

  async send(roomId: string, content: string, options: SendOptions = {}): Promise<Message> {
    if (this.state === 'closed') throw closedError();
    // No `stop`: the message ends your typing at every receiver (OthersTyping).
    this.ownTyping.forget(roomId);
    // Sealed once: a retry sends the same ciphertext, so the server still sees a retry.
    const wire = this.keys.seals(roomId)
      ? await this.keys.seal(roomId, content, { uploadIds: options.attachments ?? [] })
      : content;
    const send: OutgoingSend = {
      roomId,
      content: wire,
      clientMsgId: options.clientMsgId ?? timeOrderedId(),
      onWire: false,
    };
    this.sends.add(send, this.state === 'open');
    try {
      for (;;) {
        await this.whenReady(roomId);
        send.onWire = true;
        try {
          const reply = await this.request({
            action: 'send_message',
            roomId,
            content: wire,
            clientMsgId: send.clientMsgId,
            ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}),
            ...(options.attachments?.length ? { attachments: options.attachments } : {}),
          });
          if (reply.type !== 'ack') throw unexpected(reply);
          return reply.message;
        } catch (error) {
          send.onWire = false;
          // Cut off by a drop: the same clientMsgId goes again after the rejoin, and the
          // server acks the stored message if the first attempt got through.
          if (!isParleyError(error, 'disconnected')) throw error;
        }
      }
    } finally {
      this.sends.delete(send);
    }
  }

  async history(
    roomId: string,
    options: { before?: number; after?: number; limit?: number } = {},
  ): Promise<HistoryResult> {
    // Reading is harmless to repeat: asked again on the next connection after a drop.
    const reply = await this.call({ action: 'get_history', roomId, ...options }, 'repeat');
    if (reply.type !== 'room_history') throw unexpected(reply);
    return { roomId: reply.roomId, messages: reply.messages, hasMore: reply.hasMore };
  }

  // ---- search and files (search.ts, files.ts) ------------------------------------------

  search(query: string, options?: SearchOptions): Promise<SearchPage> {
    return searchMessages((frame) => this.call(frame, 'repeat'), query, options);
  }

  async upload(roomId: string, file: UploadSource, options?: UploadOptions): Promise<UploadedFile> {
    const original = await readUpload(file);
    // An encrypted room's server sees sealed bytes under a neutral name and type; the real
    // ones travel inside the message's envelope (room-keys.ts).
    const seals = this.keys.seals(roomId);
    const uploaded = await uploadFile(
      {
        // A second signature for the same file only leaves an unused one behind.
        call: (frame) => this.call(frame, 'repeat'),
        fetch: this.storageFetch(),
        prepare: seals ? (bytes) => this.sealUpload(roomId, bytes) : async (bytes) => bytes,
      },
      roomId,
      { name: original.fileName, type: original.contentType, data: original.data },
      options,
    );
    if (!seals) return uploaded;
    this.keys.uploaded({
      id: uploaded.uploadId,
      name: original.fileName,
      type: original.contentType,
    });
    return { ...uploaded, fileName: original.fileName, contentType: original.contentType };
  }

  async download(roomId: string, attachment: Attachment): Promise<Uint8Array> {
    const bytes = await fetchBytes(this.storageFetch(), attachment.url);
    return this.keys.seals(roomId) ? this.keys.openUpload(roomId, bytes) : bytes;
  }

  private storageFetch(): typeof fetch {
    return this.options.fetch ?? ((input, init) => fetch(input, init));
  }

  private async sealUpload(roomId: string, bytes: UploadBytes): Promise<UploadBytes> {
    const sealed = await this.keys.sealUpload(roomId, bytes.data);
    return { fileName: sealed.name, contentType: sealed.type, data: sealed.data };
  }

  online(roomId: string): string[] {
    return [...(this.rooms.get(roomId)?.online ?? [])];
  }

  onlineCount(roomId: string): number {
    const room = this.rooms.get(roomId);
    return room ? Math.max(room.onlineCount ?? 0, room.online.size) : 0;
  }

  lastSeq(roomId: string): number {
    return this.rooms.get(roomId)?.stream.lastSeq ?? 0;
  }

  setRoomKey(roomId: string, key: RoomKey | undefined): void {
    this.keys.set(roomId, key);
  }

  // ---- read state, typing (read-state.ts, typing.ts) ------------------------------------

  unread(roomId: string): number {
    return this.reads.get(roomId)?.unread ?? 0;
  }

  readSeq(roomId: string): number {
    return this.reads.get(roomId)?.readSeq ?? 0;
  }

  async markRead(roomId: string, seq?: number): Promise<ReadStateEvent> {
    const upTo = seq ?? this.lastSeq(roomId);
    const known = this.reads.get(roomId)?.state;
    // The cursor never moves back: a mark at or below it changes nothing the server has.
    if (known && upTo <= known.readSeq) return known;
    return this.marks.mark(roomId, upTo);
  }

  private async sendMark(roomId: string, seq: number): Promise<ReadStateEvent> {
    // The cursor never moves back, so asking again ends as asking once.
    const reply = await this.call({ action: 'mark_read', roomId, seq }, 'repeat');
    if (reply.type !== 'read_state') throw unexpected(reply);
    return this.reads.update(roomId, (state) => state.fromServer(reply.readSeq, reply.unread))
      .state;
  }

  seenBy(roomId: string, seq: number): string[] {
    return this.reads.get(roomId)?.seenBy(seq, this.me) ?? [];
  }

  typing(roomId: string): void {
    if (this.state === 'closed') return;
    this.ownTyping.input(roomId);
  }

  stopTyping(roomId: string): void {
    this.ownTyping.stop(roomId);
  }

  typingUsers(roomId: string): string[] {
    return this.othersTyping.users(roomId);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return this.closed.promise;
    this.shutDown(closedError());
    const connection = this.connection;
    this.next?.connection.close(1000, 'client closed');
    this.retiring?.close(1000, 'client closed');
    if (connection) {
      connection.close(1000, 'client closed');
      await this.closed.promise;
    } else {
      this.closed.resolve();
    }
  }

  /**
   * One request of the calls that are not sends: sent once the connection is open (and,
   * for a joined room, once it is rejoined: the server answers only a connection that
   * joined), asked again after a drop when `repeat` allows (room-calls.ts says which).
   */
  protected async call(frame: ClientFrame, repeat: Repeat): Promise<ServerFrame> {
    if (this.state === 'closed') throw closedError();
    if (frame.action === 'edit_message' && this.keys.seals(frame.roomId)) {
      // Sealed once, so that asking again is the same edit.
      const content = await this.keys.seal(frame.roomId, frame.content, { seq: frame.seq });
      frame = { ...frame, content };
    }
    for (;;) {
      await ('roomId' in frame && frame.roomId !== undefined
        ? this.whenReady(frame.roomId)
        : this.opened.promise);
      try {
        return await this.request(frame);
      } catch (error) {
        if (repeat === 'once' || !isParleyError(error, 'disconnected')) throw error;
      }
    }
  }

  // ---- the connection ------------------------------------------------------------------

  /** What a new connection needs: the WebSocket constructor and a URL with a fresh token. */
  private async dial(): Promise<{ Ctor: WebSocketConstructor; url: string }> {
    const Ctor = this.options.WebSocket ?? (await defaultWebSocket());
    const source = this.options.token;
    const token = typeof source === 'function' ? await source() : source;
    this.me = this.options.userId ?? userIdOfToken(token) ?? this.me;
    const url = handshakeUrl(this.options.url, token, this.options.format ?? DEFAULT_FRAME_FORMAT);
    return { Ctor, url };
  }

  private async openSocket(): Promise<void> {
    let dialed: { Ctor: WebSocketConstructor; url: string };
    try {
      dialed = await this.dial();
    } catch (cause) {
      if (this.state === 'closed') return;
      this.events.emit(
        'error',
        new ParleyError('unauthorized', 'Could not get a token or a WebSocket', undefined, {
          cause,
        }),
      );
      this.scheduleReconnect();
      return;
    }
    if (this.state === 'closed') return;
    const connection: SocketConnection = new SocketConnection(dialed.Ctor, dialed.url, {
      open: () => this.onOpen(connection),
      message: (text) => this.onText(connection, text),
      close: (info) => this.onClose(connection, info),
    });
    this.connection = connection;
  }

  private onOpen(connection: SocketConnection): void {
    if (connection !== this.connection || this.state === 'closed') return;
    this.idlePing?.sent();
    this.everOpened = true;
    this.backoff.reset();
    this.setState('open');
    this.opened.resolve();
    this.rollover.start();
    for (const room of this.rooms.values()) void this.syncRoom(room);
  }

  private onClose(connection: SocketConnection, info: SocketCloseInfo): void {
    if (connection === this.next?.connection || connection === this.retiring) {
      this.onSpareClosed(connection);
      return;
    }
    if (connection !== this.connection) return;
    this.connection = undefined;
    this.idlePing?.stop();
    // A rollover under way is moot: the next connection rejoins everything anyway.
    this.rollover.stop();
    this.abandonNext();
    this.retiring?.close(1000, 'connection replaced');
    if (this.state === 'closed') {
      this.closed.resolve();
      return;
    }
    // 1009: the server closed on a frame of ours too big for it (a limit smaller than
    // MAX_FRAME_BYTES). That request fails: sent again, it would close the next connection
    // too, for ever.
    if (info.opened && info.code === 1009) {
      this.pending.rejectLargest(
        (requestId) =>
          new ParleyError(
            'payload_too_large',
            `The server closed the connection on this frame (1009 ${info.reason || 'Message too big'})`,
            requestId,
          ),
      );
    }
    // Calls on the wire fail with `disconnected`; send() and history() ask again on the
    // next connection, and every room waits to be rejoined.
    this.pending.rejectAll(
      (requestId) => new ParleyError('disconnected', 'The connection dropped', requestId),
    );
    this.sends.requeueAll();
    if (this.opened.settled) this.opened = new Deferred();
    for (const room of this.rooms.values()) {
      if (room.ready.settled) room.ready = new Deferred();
    }
    if (!info.opened && info.handshakeStatus === 401) {
      const why = info.handshakeRefusal === undefined ? '' : `: ${info.handshakeRefusal}`;
      const error = new ParleyError(
        'unauthorized',
        `The server refused the token (HTTP 401${why})`,
      );
      if (typeof this.options.token === 'string') {
        // The same token would be refused again: stop rather than retry for ever.
        this.shutDown(error);
        this.events.emit('error', error);
        this.closed.resolve();
        return;
      }
      this.events.emit('error', error);
    }
    this.scheduleReconnect();
  }

  // ---- rollover: a new connection before API Gateway's 2-hour limit (rollover.ts) ------

  /**
   * Opens the next connection, rejoins every room on it with `since`, then moves requests
   * to it and retires the old one. Until the move the old connection serves everything;
   * if the new one fails, the old one goes on and the rollover is tried again later.
   */
  private async rollOver(): Promise<void> {
    const old = this.connection;
    if (this.state !== 'open' || !old?.isOpen || this.next) return;
    let next: NextConnection | undefined;
    try {
      const dialed = await this.dial();
      if (this.connection !== old || this.state !== 'open') return;
      const opened = new Deferred<void>();
      const connection: SocketConnection = new SocketConnection(dialed.Ctor, dialed.url, {
        open: () => opened.resolve(),
        message: (text) => this.onText(connection, text),
        close: (info) => this.onClose(connection, info),
      });
      const pending: NextConnection = { connection, opened, rooms: new Set() };
      next = pending;
      this.next = pending;
      const timer = setTimeout(
        () => opened.reject(new ParleyError('timeout', 'The next connection did not open')),
        this.timeoutMs,
      );
      await opened.promise.finally(() => clearTimeout(timer));
      await this.rejoinAll(pending);
    } catch {
      if (next !== undefined && this.next === next) this.abandonNext();
      if (this.connection === old && this.state === 'open') this.rollover.retryLater();
      return;
    }
    if (this.next === next && this.connection === old) this.switchTo(next);
  }

  /** Rejoins on `next` every room held, also those joined while the rollover went on. */
  private async rejoinAll(next: NextConnection): Promise<void> {
    for (;;) {
      const rooms = [...this.rooms.values()].filter((room) => !next.rooms.has(room.id));
      if (rooms.length === 0) return;
      await Promise.all(rooms.map((room) => this.rejoinOn(next, room)));
    }
  }

  private async rejoinOn(next: NextConnection, room: Room): Promise<void> {
    try {
      await room.ready.promise; // a first join still under way on the old connection
    } catch {
      return; // the room is gone: nothing to rejoin
    }
    if (this.rooms.get(room.id) !== room) return;
    let result: JoinResult | undefined;
    try {
      result = await this.fetchRoom(room, next.connection);
    } catch (error) {
      // Refused for good (a ban meanwhile): the room is lost on any connection, as a
      // rejoin after a reconnect would find. Anything else fails this rollover attempt.
      const lost = isParleyError(error, 'forbidden') || isParleyError(error, 'not_found');
      if (!lost || this.rooms.get(room.id) !== room) throw error;
      this.dropRoom(room.id, error);
      this.events.emit('resync_failed', { roomId: room.id, error });
      return;
    }
    // Left while the rejoin went out: the next connection leaves it too.
    if (result === undefined || this.next !== next) {
      if (this.next === next) this.leaveOn(next.connection, room.id);
      return;
    }
    next.rooms.add(room.id);
  }

  /** Requests and typing go to `next` from now on; the old connection retires. */
  private switchTo(next: NextConnection): void {
    const old = this.connection;
    this.next = undefined;
    this.connection = next.connection;
    this.idlePing?.sent();
    this.rollover.start();
    // A gap's retry was tied to the old connection: the new one takes it up.
    for (const room of this.rooms.values()) if (room.stream.hasGap) this.fillGapSoon(room);
    if (!old) return;
    this.retiring?.close(1000, 'connection replaced');
    this.retiring = old;
    // Replies it still owes are awaited (they resolve their calls) at most a request's
    // timeout; whatever is left then fails with `disconnected`, and sends and repeatable
    // calls go again on the new connection.
    clearTimeout(this.retireTimer);
    this.retireTimer = setTimeout(() => old.close(1000, 'connection replaced'), this.timeoutMs);
    this.closeRetiredWhenDone();
  }

  private closeRetiredWhenDone(): void {
    const old = this.retiring;
    if (old && this.pending.owned(old) === 0) old.close(1000, 'connection replaced');
  }

  /** The rollover's connection or the retired one closed (by us or not). */
  private onSpareClosed(connection: SocketConnection): void {
    const gone = (requestId: string) =>
      new ParleyError('disconnected', 'The connection closed', requestId);
    if (connection === this.retiring) {
      this.retiring = undefined;
      clearTimeout(this.retireTimer);
      this.pending.rejectOwned(connection, gone);
      // A gap fill cut off with it is not retried by a rejoin (there is none): ask again.
      for (const room of this.rooms.values()) if (room.stream.hasGap) this.fillGapSoon(room);
      return;
    }
    const next = this.next;
    if (next?.connection !== connection) return;
    this.next = undefined;
    next.opened.reject(new ParleyError('disconnected', 'The next connection closed'));
    this.pending.rejectOwned(connection, gone);
  }

  /** Drops the connection a rollover was preparing (its rejoins fail with it). */
  private abandonNext(): void {
    const next = this.next;
    if (!next) return;
    next.connection.close(1000, 'rollover abandoned');
    this.onSpareClosed(next.connection);
  }

  private leaveOn(connection: SocketConnection, roomId: string): void {
    this.request({ action: 'leave_room', roomId }, connection).catch(() => {});
  }

  private scheduleReconnect(): void {
    this.setState(this.everOpened ? 'reconnecting' : 'connecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.openSocket();
    }, this.backoff.next());
  }

  /** Enters `closed` and fails everything still waiting with `error`. */
  private shutDown(error: ParleyError): void {
    this.setState('closed');
    this.idlePing?.stop();
    this.rollover.stop();
    clearTimeout(this.retireTimer);
    this.marks.clear(error);
    this.ownTyping.forgetAll();
    this.othersTyping.forgetAll();
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.pending.rejectAll((requestId) => new ParleyError(error.code, error.message, requestId));
    this.opened.reject(error);
    for (const room of this.rooms.values()) {
      clearTimeout(room.retryTimer);
      clearTimeout(room.gapTimer);
      room.ready.reject(error);
    }
    this.rooms.clear();
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.events.emit('state', state);
  }

  // ---- frames --------------------------------------------------------------------------

  /** Sends a request on the current connection, or on `via` (a rollover's next one). */
  private request(frame: ClientFrame, via?: SocketConnection): Promise<ServerFrame> {
    const connection = via ?? this.connection;
    if (this.state !== 'open' || !connection?.isOpen) {
      return Promise.reject(
        this.state === 'closed' ? closedError() : new ParleyError('disconnected', 'Not connected'),
      );
    }
    const requestId = this.pending.nextId();
    const text = JSON.stringify({ ...frame, requestId });
    const bytes = utf8Bytes(text);
    if (bytes > MAX_FRAME_BYTES) {
      // The gateway would close the connection on it (1009): refuse it here instead.
      return Promise.reject(
        new ParleyError(
          'payload_too_large',
          `The request is ${bytes} bytes; a frame may hold at most ${MAX_FRAME_BYTES}`,
          requestId,
        ),
      );
    }
    const reply = this.pending.wait(requestId, this.timeoutMs, bytes, connection);
    connection.send(text);
    this.idlePing?.sent();
    return reply;
  }

  /**
   * A frame the server does not answer (`typing`): sent now if the connection is open and
   * the room joined on it, else dropped, since it would be stale by the time it could go.
   */
  private notify(frame: ClientFrame & { roomId: string }): void {
    const connection = this.connection;
    const room = this.rooms.get(frame.roomId);
    if (this.state !== 'open' || !connection?.isOpen || !room?.ready.settled) return;
    connection.send(JSON.stringify(frame));
    this.idlePing?.sent();
  }

  /** The idle ping: only on an open connection; a failed one is the next drop's business. */
  private pingWhenIdle(): void {
    if (this.state !== 'open') return;
    this.ping().catch(() => {});
  }

  /**
   * A frame from the server. One carrying a message of a room this client holds a key for
   * is decrypted first (asynchronously); frames after it wait for it, so the app still
   * sees everything in the order it came.
   */
  private onText(connection: SocketConnection, text: string): void {
    let frame: ServerFrame;
    try {
      frame = parseServerFrame(text) as ServerFrame;
    } catch {
      return; // not ours to interpret: the protocol only sends JSON
    }
    if (typeof frame !== 'object' || frame === null || typeof frame.type !== 'string') return;
    if (!this.hears(connection, frame)) return;
    const sealed = this.keys.inspect(frame);
    if (!sealed && this.inbound === undefined) {
      this.onFrame(frame);
      if (connection === this.retiring) this.closeRetiredWhenDone();
      return;
    }
    const opened = sealed ? this.keys.open(frame) : undefined;
    const handled: Promise<void> = (this.inbound ?? Promise.resolve())
      .then(() => opened)
      .then(() => {
        if (!this.hears(connection, frame)) return;
        this.onFrame(frame);
        if (connection === this.retiring) this.closeRetiredWhenDone();
      })
      .finally(() => {
        if (this.inbound === handled) this.inbound = undefined;
      });
    this.inbound = handled;
  }

  /**
   * Whether a frame from `connection` is handled: all of the current connection's; of a
   * rollover's next or retiring one only replies (their requests went out on it) and
   * messages, which the room's stream takes once by seq. Events without a seq (presence,
   * typing, reactions...) reach both connections during the overlap: only one may tell.
   */
  private hears(connection: SocketConnection, frame: ServerFrame): boolean {
    if (connection === this.connection) return true;
    if (connection !== this.next?.connection && connection !== this.retiring) return false;
    if (frame.type === 'new_message' || frame.type === 'ack') return true;
    return 'requestId' in frame && frame.requestId !== undefined;
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'new_message':
        this.deliver(frame.message);
        return;
      case 'ack':
        // An ack of a send of ours says who we are, if nothing did before.
        if (this.me === undefined && this.sends.holds(frame.message.clientMsgId ?? '')) {
          this.me = frame.message.userId;
        }
        // Own messages go through the same ordered pipeline as everyone else's, also
        // when the send that asked for them has timed out.
        this.deliver(frame.message);
        break;
      case 'presence':
        this.onPresence(frame);
        return;
      case 'presence_count': {
        const room = this.rooms.get(frame.roomId);
        if (!room) return;
        room.onlineCount = frame.online;
        this.emitOnline(room);
        return;
      }
      case 'member_update': {
        if (!this.rooms.has(frame.roomId)) return;
        const { type: _, ...event } = frame;
        this.events.emit('member_update', event);
        return;
      }
      case 'removed':
        this.onRemoved(frame.roomId, frame.reason);
        return;
      case 'message_updated':
        this.onEdited(frame.message);
        return;
      case 'message_deleted':
        this.onDeleted(frame.roomId, frame.seq);
        return;
      case 'read_state':
        // A reply to markRead is the call's to apply; one without is another device's.
        if (frame.requestId !== undefined) break;
        this.reads.update(frame.roomId, (state) => state.fromServer(frame.readSeq, frame.unread));
        return;
      case 'read': {
        if (!this.rooms.has(frame.roomId)) return;
        const { type: _, ...event } = frame;
        this.reads.update(frame.roomId, (state) => state.receipt(frame.userId, frame.seq));
        this.events.emit('read', event);
        return;
      }
      case 'typing': {
        if (!this.rooms.has(frame.roomId) || frame.userId === this.me) return;
        const { type: _, ...event } = frame;
        this.othersTyping.onTyping(event);
        this.events.emit('typing', event);
        return;
      }
      case 'reaction': {
        if (!this.rooms.has(frame.roomId)) return;
        const { type: _, ...event } = frame;
        this.events.emit('reaction', event);
        return;
      }
    }
    if (this.pending.settle(frame)) return;
    if (frame.type === 'error') this.events.emit('error', errorFromFrame(frame));
  }

  /**
   * Removed or banned: the server sends nothing more from the room and refuses the next
   * request there, so the room stops being joined now. Rejoining it on the next connection
   * would only earn a `forbidden` (and a `resync_failed` the app did not need).
   */
  private onRemoved(roomId: string, reason: RemovedEvent['reason']): void {
    if (!this.rooms.has(roomId)) return;
    this.dropRoom(roomId, new ParleyError('forbidden', `No longer in ${roomId} (${reason})`));
    this.events.emit('removed', { roomId, reason });
  }

  /** An edit, ours or anyone's: emitted when the app has the message, else folded into it. */
  protected onEdited(message: Message): void {
    const room = this.rooms.get(message.roomId);
    if (!room) return;
    if (room.stream.revise(message)) this.events.emit('message_updated', message);
    else if (room.stream.hasGap) this.fillGapSoon(room);
  }

  /** A delete, ours or anyone's: as `onEdited`. */
  protected onDeleted(roomId: string, seq: number): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    if (room.stream.remove(seq)) this.events.emit('message_deleted', { roomId, seq });
    else if (room.stream.hasGap) this.fillGapSoon(room);
  }

  /** A members page: their cursors are read receipts. */
  protected onMembers(roomId: string, members: readonly Member[]): void {
    if (members.some((m) => m.readSeq !== undefined)) {
      this.reads.update(roomId, (state) => state.fromMembers(members));
    }
  }

  /** A page of your rooms: each one's cursor and count, as the server has them now. */
  protected onRooms(rooms: readonly RoomSummary[]): void {
    for (const room of rooms) {
      this.reads.update(room.roomId, (state) =>
        state.fromServer(room.readSeq, room.unread, room.lastSeq),
      );
    }
  }

  /** A message reaches the app: it moves read state, and its sender is done typing. */
  private onDelivered(message: Message): void {
    const own = this.me !== undefined && message.userId === this.me;
    this.reads.update(message.roomId, (state) => state.onMessage(message.seq, message.userId, own));
    this.othersTyping.end(message.roomId, message.userId);
    this.events.emit('message', message);
  }

  /** Forgets a room: no more events from it, no rejoin; a join still waiting gets `error`. */
  private dropRoom(roomId: string, error: ParleyError): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.rooms.delete(roomId);
    this.ownTyping.forget(roomId);
    this.othersTyping.forget(roomId);
    clearTimeout(room.gapTimer);
    clearTimeout(room.retryTimer);
    room.ready.reject(error);
  }

  private deliver(message: Message): void {
    const room = this.rooms.get(message.roomId);
    if (!room || typeof message.seq !== 'number') return;
    room.stream.push(message);
    if (room.stream.hasGap) this.fillGapSoon(room);
  }

  /** Fetches a gap that is still open after the grace period (see `gapGraceMs`). */
  private fillGapSoon(room: Room): void {
    const grace = this.options.gapGraceMs ?? 1_000;
    if (grace <= 0) {
      void this.fillGap(room);
      return;
    }
    if (room.gapTimer) return;
    room.gapTimer = setTimeout(
      () => {
        room.gapTimer = undefined;
        if (room.stream.hasGap && this.rooms.get(room.id) === room) void this.fillGap(room);
      },
      grace * (1 + Math.random()),
    );
  }

  private emitOnline(room: Room): void {
    const users = [...room.online];
    this.events.emit('online', {
      roomId: room.id,
      users,
      count: Math.max(room.onlineCount ?? 0, users.length),
    });
  }

  private onPresence(event: PresenceEvent): void {
    const room = this.rooms.get(event.roomId);
    if (!room) return;
    // Each presence frame is one user coming online or going offline. A user the capped
    // list did not show can still go offline: the count drops, the list stays.
    // `away` and `dnd` are present too: only `offline` leaves the list.
    const had = room.online.has(event.userId);
    const present = event.status !== 'offline';
    if (present) room.online.add(event.userId);
    else room.online.delete(event.userId);
    if (room.onlineCount !== undefined) {
      if (present && !had) room.onlineCount += 1;
      if (event.status === 'offline' && (had || room.onlineCount > room.online.size)) {
        room.onlineCount -= 1;
      }
    }
    this.events.emit('presence', {
      roomId: event.roomId,
      userId: event.userId,
      status: event.status,
      ...(event.text === undefined ? {} : { text: event.text }),
      ...(event.lastSeen === undefined ? {} : { lastSeen: event.lastSeen }),
    });
    // A status change (online to away) leaves the list as it was.
    if (had !== present || room.onlineCount !== undefined) this.emitOnline(room);
  }

  // ---- rooms: join, rejoin, catch up ---------------------------------------------------

  /** Resolves once `roomId` may be used on the current connection. */
  private async whenReady(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    if (room) await room.ready.promise;
    else await this.opened.promise;
  }

  /**
   * Joins a room on the current connection: the first time for the newest `limit`
   * messages, after that with `since` = the last seq delivered, paging forward with
   * `get_history after` while the server says `hasMore`.
   */
  private async syncRoom(room: Room): Promise<void> {
    try {
      const result = await this.fetchRoom(room);
      if (result === undefined) return;
      room.joinedOnce = true;
      room.retry.reset();
      room.ready.resolve(result);
      if (room.stream.hasGap) void this.fillGap(room);
    } catch (error) {
      this.onRoomError(room, error, () => this.syncRoom(room));
    }
  }

  /**
   * The join itself, on the current connection or `via` (a rollover's next one): the
   * reply and every page after it applied to the room; undefined if the room was dropped
   * meanwhile.
   */
  private async fetchRoom(room: Room, via?: SocketConnection): Promise<JoinResult | undefined> {
    const resume = room.stream.started;
    const frame: ClientFrame = resume
      ? { action: 'join_room', roomId: room.id, since: room.stream.lastSeq, limit: PAGE_LIMIT }
      : { action: 'join_room', roomId: room.id, ...(room.limit ? { limit: room.limit } : {}) };
    const reply = await this.request(frame, via);
    if (reply.type !== 'room_history') throw unexpected(reply);
    if (this.rooms.get(room.id) !== room) return undefined;
    room.online = new Set(reply.online ?? []);
    room.onlineCount = reply.onlineCount;
    this.emitOnline(room);
    const lastSeq = reply.lastSeq ?? 0;
    const messages = [...reply.messages];
    // Before the messages, which then only raise what the reply says.
    const read = this.reads.update(room.id, (state) =>
      state.fromServer(reply.readSeq, reply.unread, lastSeq),
    );
    if (!resume) {
      room.stream.start(reply.messages, lastSeq);
    } else {
      room.stream.pushAll(reply.messages);
      let more = reply.hasMore;
      while (more) {
        const page = await this.request(
          {
            action: 'get_history',
            roomId: room.id,
            after: room.stream.lastSeq,
            limit: PAGE_LIMIT,
          },
          via,
        );
        if (page.type !== 'room_history') throw unexpected(page);
        if (this.rooms.get(room.id) !== room) return undefined;
        room.stream.pushAll(page.messages);
        messages.push(...page.messages);
        more = page.hasMore && page.messages.length > 0;
      }
      room.stream.noteKnown(lastSeq);
    }
    return {
      roomId: room.id,
      messages,
      hasMore: resume ? false : reply.hasMore,
      online: [...room.online],
      onlineCount: this.onlineCount(room.id),
      lastSeq,
      readSeq: read.readSeq,
      unread: read.unread,
    };
  }

  /** Fetches what is missing between the last delivered seq and a later one already seen. */
  private async fillGap(room: Room): Promise<void> {
    // During a (re)join the join itself catches up and calls this when done.
    if (room.filling || !room.ready.settled) return;
    room.filling = true;
    try {
      while (room.stream.hasGap && this.rooms.get(room.id) === room) {
        const before = room.stream.lastSeq;
        const page = await this.request({
          action: 'get_history',
          roomId: room.id,
          after: before,
          limit: PAGE_LIMIT,
        });
        if (page.type !== 'room_history') throw unexpected(page);
        room.stream.pushAll(page.messages);
        if (room.stream.lastSeq === before && !page.hasMore) {
          // Seqs are gap-free, so this should not happen; never stall the room on it.
          room.stream.skipGap();
          this.events.emit('resync_failed', {
            roomId: room.id,
            error: new ParleyError('internal', `History has nothing after seq ${before}`),
          });
        }
      }
      room.retry.reset();
    } catch (error) {
      this.onRoomError(room, error, () => this.fillGap(room));
    } finally {
      room.filling = false;
    }
  }

  private onRoomError(room: Room, error: unknown, again: () => Promise<void>): void {
    if (this.rooms.get(room.id) !== room) return;
    // A drop: the next connection rejoins the room from where it stopped.
    if (isParleyError(error, 'disconnected') || isParleyError(error, 'closed')) return;
    const failure =
      error instanceof ParleyError
        ? error
        : new ParleyError('internal', String(error), undefined, { cause: error });
    if (room.joinedOnce && RETRYABLE_CODES.has(failure.code)) {
      const connection = this.connection;
      clearTimeout(room.retryTimer);
      // A `rate_limited` answer says how long to wait; sooner would only be refused again.
      const delay = Math.max(room.retry.next(), failure.retryAfterMs ?? 0);
      room.retryTimer = setTimeout(() => {
        room.retryTimer = undefined;
        if (this.connection === connection && this.rooms.get(room.id) === room) void again();
      }, delay);
      return;
    }
    // The room cannot be had (forbidden, not_found, ...), or a first join failed: the
    // caller of join() hears it; an app that had the room hears `resync_failed`.
    this.rooms.delete(room.id);
    room.ready.reject(failure);
    if (room.joinedOnce) this.events.emit('resync_failed', { roomId: room.id, error: failure });
  }
}

/** A rollover's connection while it opens and rejoins the rooms (`rooms`: those done). */
interface NextConnection {
  readonly connection: SocketConnection;
  readonly opened: Deferred<void>;
  readonly rooms: Set<string>;
}

function closedError(): ParleyError {
  return new ParleyError('closed', 'The client is closed');
}

function unexpected(frame: ServerFrame): ParleyError {
  return new ParleyError('internal', `Unexpected reply: ${frame.type}`);
}
