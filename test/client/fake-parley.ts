/**
 * An in-memory Parley server behind fake WebSockets, for SDK unit tests without a network.
 * It keeps rooms and messages with gap-free seqs and answers the v1 protocol (join_room
 * with since/limit, get_history after/before, send_message deduplicated by clientMsgId)
 * and, through fake-rooms.ts, the v2 room, membership, moderation, edit and delete calls,
 * through fake-live.ts read state, typing, presence, reactions and threads, through
 * fake-files.ts search, uploads and attachments;
 * tests drop connections, hold back deliveries and reorder them at will.
 */
import type {
  SocketCloseEvent,
  SocketMessageEvent,
  WebSocketConstructor,
  WebSocketLike,
} from '../../client/index.js';
import type { Message } from '../../client/types.js';
import { encodeCompact } from '../../protocol/compact-codec.js';
import { FakeFiles } from './fake-files.js';
import { FakeLive } from './fake-live.js';
import { FakeRooms } from './fake-rooms.js';

type Frame = Record<string, unknown> & { action?: string; requestId?: string };
type RefusedResponse = { statusCode?: number; headers?: Record<string, string> };
type Listener = (event: never) => void;

/** A server frame (what the fake encodes for a compact client), not a test's raw oddity. */
function isFrame(value: unknown): value is { type: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string'
  );
}

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  readonly sent: Frame[] = [];
  readonly joined = new Set<string>();
  readonly token: string;
  /** The handshake asked for compact frames: the fake writes them, as the server does. */
  readonly compact: boolean;
  private readonly listeners = new Map<string, Listener[]>();
  private unexpectedResponse: ((req: unknown, res: RefusedResponse) => void) | undefined;

  constructor(
    readonly url: string,
    private readonly server: FakeParley,
  ) {
    const query = new URL(url).searchParams;
    this.token = query.get('token') ?? '';
    this.compact = query.get('format') === 'compact';
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  /** What `ws` offers for a refused handshake; the SDK finds it by duck typing. */
  once(event: 'unexpected-response', listener: (req: unknown, res: RefusedResponse) => void) {
    if (event === 'unexpected-response') this.unexpectedResponse = listener;
    return this;
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    const limit = this.server.frameLimit;
    if (limit !== undefined && data.length > limit) {
      // The gateway's frame limit: the connection closes on the frame, nothing is handled.
      this.readyState = 3;
      this.server.disconnected(this);
      queueMicrotask(() => this.emit('close', { code: 1009, reason: 'Frame too big' }));
      return;
    }
    const frame = JSON.parse(data) as Frame;
    this.sent.push(frame);
    queueMicrotask(() => this.server.handle(this, frame));
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    queueMicrotask(() => this.emit('close', { code, reason }));
  }

  // ---- driven by the fake server and the tests ----

  emit(type: 'open' | 'error', event?: unknown): void;
  emit(type: 'message', event: SocketMessageEvent): void;
  emit(type: 'close', event: SocketCloseEvent): void;
  emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? [])
      (listener as (e: unknown) => void)(event);
  }

  open(): void {
    this.readyState = 1;
    this.emit('open');
  }

  receive(frame: unknown): void {
    const wire = this.compact && isFrame(frame) ? encodeCompact(frame) : frame;
    this.emit('message', { data: JSON.stringify(wire) });
  }

  /** The network drops the connection (no close frame). */
  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.server.disconnected(this);
    this.emit('close', { code: 1006, reason: '' });
  }

  refuse(status: number, refusal?: string): void {
    this.unexpectedResponse?.(
      {},
      {
        statusCode: status,
        ...(refusal === undefined ? {} : { headers: { 'x-parley-refusal': refusal } }),
      },
    );
  }

  /** Frames of one action this socket sent. */
  frames(action: string): Frame[] {
    return this.sent.filter((f) => f.action === action);
  }
}

export class FakeParley {
  readonly sockets: FakeSocket[] = [];
  readonly rooms = new Map<string, Message[]>();
  /** Rooms whose join_room answers forbidden (a ban). */
  readonly forbidden = new Set<string>();
  /** The next join_room answers this error code. */
  failNextJoin: string | undefined;
  /** The next request of an action answers this error (e.g. rate_limited with retryAfterMs). */
  readonly failNext = new Map<string, { code: string; retryAfterMs?: number }>();
  /** Rooms, members, moderation, edits and deletes (protocol v2). */
  readonly v2: FakeRooms = new FakeRooms(this);
  /** Read state, typing, presence with status, reactions, threads (protocol v2). */
  readonly live: FakeLive = new FakeLive(this);
  /** Search, signed uploads to fake storage (its `fetch`), attachments (protocol v2). */
  readonly files: FakeFiles = new FakeFiles(this);
  /** Actions the server leaves unanswered (timeouts). */
  readonly silent = new Set<string>();
  /** Actions the server holds until `release` (a slow request, answered later). */
  readonly held = new Set<string>();
  private readonly holding: { socket: FakeSocket; frame: Frame }[] = [];
  /** How the next handshakes end: open (default), refused with an HTTP status, or unreachable. */
  handshake: 'open' | 'manual' | 'unreachable' | number = 'open';
  /** With a 401 handshake: the local gateway's `X-Parley-Refusal` saying why. */
  refusal: string | undefined;
  /** Frames longer than this close the connection with 1009, as the gateway's limit does. */
  frameLimit: number | undefined;
  /** Store the next send_message, then drop the connection before its ack. */
  dropBeforeNextAck = false;
  /** Deliver new_message to other connections (false: hold them back, making a gap). */
  fanOut = true;
  /**
   * At most this many messages per page, whatever the `limit` (as the real server cuts a
   * page of large messages to fit 128 KB), keeping the end the client reads from.
   */
  pageCut: number | undefined;
  /** Users online that no socket stands for (a big room); counted, not listed. */
  unlistedOnline = 0;
  private ids = 0;

  readonly WebSocket: WebSocketConstructor;

  constructor() {
    const server = this;
    this.WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(url, server);
        server.connected(this);
      }
    };
  }

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket yet');
    return socket;
  }

  messages(roomId: string): Message[] {
    let list = this.rooms.get(roomId);
    if (!list) {
      list = [];
      this.rooms.set(roomId, list);
    }
    return list;
  }

  /** Stores a message from another user and fans it out (unless `fanOut` is off). */
  append(
    roomId: string,
    content: string,
    userId = 'other',
    clientMsgId?: string,
    replyTo?: number,
  ): Message {
    const list = this.messages(roomId);
    this.ids += 1;
    const message: Message = {
      id: `m${this.ids}`,
      roomId,
      seq: list.length + 1,
      userId,
      content,
      createdAt: new Date(0).toISOString(),
      ...(clientMsgId === undefined ? {} : { clientMsgId }),
      ...(replyTo === undefined ? {} : { replyTo }),
    };
    const mentions = [...content.matchAll(/@(\w+)/g)].map((m) => m[1] ?? '');
    if (mentions.length > 0) message.mentions = mentions;
    list.push(message);
    this.v2.touch(roomId);
    this.live.sent(message);
    return message;
  }

  post(roomId: string, content: string, userId = 'other'): Message {
    const message = this.append(roomId, content, userId);
    if (this.fanOut) this.fanOutMessage(message);
    return message;
  }

  fanOutMessage(message: Message, except?: FakeSocket): void {
    this.tellRoom(message.roomId, { type: 'new_message', message }, except);
  }

  /** Sends `frame` to every open connection that joined `roomId`, but `except`. */
  tellRoom(roomId: string, frame: Record<string, unknown>, except?: FakeSocket): void {
    for (const socket of this.sockets) {
      if (socket !== except && socket.readyState === 1 && socket.joined.has(roomId)) {
        socket.receive(frame);
      }
    }
  }

  connected(socket: FakeSocket): void {
    this.sockets.push(socket);
    const handshake = this.handshake;
    if (handshake === 'manual') return;
    queueMicrotask(() => {
      if (handshake === 'open') socket.open();
      else if (handshake === 'unreachable') {
        socket.readyState = 3;
        socket.emit('error');
        socket.emit('close', { code: 1006, reason: '' });
      } else socket.refuse(handshake, this.refusal);
    });
  }

  disconnected(socket: FakeSocket): void {
    socket.joined.clear();
  }

  /** Handles the held frames of `action` now, in the order they came. */
  release(action: string): void {
    this.held.delete(action);
    const due = this.holding.filter((h) => h.frame.action === action);
    for (const h of due) this.holding.splice(this.holding.indexOf(h), 1);
    for (const { socket, frame } of due) this.handle(socket, frame);
  }

  handle(socket: FakeSocket, frame: Frame) {
    if (socket.readyState !== 1 || !frame.action || this.silent.has(frame.action)) return;
    if (this.held.has(frame.action)) {
      this.holding.push({ socket, frame });
      return;
    }
    const reply = (body: Record<string, unknown>) =>
      socket.receive({ ...body, ...(frame.requestId ? { requestId: frame.requestId } : {}) });
    const roomId = String(frame.roomId);
    const list = this.messages(roomId);
    const limit = typeof frame.limit === 'number' ? frame.limit : 50;
    const failure = this.failNext.get(frame.action);
    if (failure) {
      this.failNext.delete(frame.action);
      return reply({ type: 'error', message: 'refused', ...failure });
    }
    switch (frame.action) {
      case 'join_room': {
        const failure = this.failNextJoin;
        if (failure) {
          this.failNextJoin = undefined;
          return reply({ type: 'error', code: failure, message: 'try later' });
        }
        const refusal = this.forbidden.has(roomId)
          ? 'banned'
          : this.v2.joinRefusal(roomId, socket.token);
        if (refusal) return reply({ type: 'error', code: 'forbidden', message: refusal });
        socket.joined.add(roomId);
        this.v2.joined(roomId, socket.token);
        const since = frame.since;
        const page = this.cut(
          typeof since === 'number' ? forward(list, since, limit) : newest(list, limit),
          typeof since === 'number',
        );
        const online = [
          ...new Set(this.sockets.filter((s) => s.joined.has(roomId)).map((s) => s.token)),
        ];
        const onlineCount = online.length + this.unlistedOnline;
        return reply({
          type: 'room_history',
          roomId,
          ...page,
          online,
          onlineCount,
          lastSeq: list.length,
          ...this.live.joinFields(roomId, socket.token),
          ...(this.v2.rooms.get(roomId)?.room.encrypted ? { encrypted: true } : {}),
        });
      }
      case 'get_history': {
        if (!socket.joined.has(roomId))
          return reply({ type: 'error', code: 'forbidden', message: 'join first' });
        const page = this.cut(
          typeof frame.after === 'number'
            ? forward(list, frame.after, limit)
            : newest(
                list.slice(0, typeof frame.before === 'number' ? frame.before - 1 : undefined),
                limit,
              ),
          typeof frame.after === 'number',
        );
        return reply({ type: 'room_history', roomId, ...page });
      }
      case 'send_message': {
        if (!socket.joined.has(roomId))
          return reply({ type: 'error', code: 'forbidden', message: 'join first' });
        if (this.v2.member(roomId, socket.token)?.muted)
          return reply({ type: 'error', code: 'forbidden', message: 'muted' });
        const clientMsgId = String(frame.clientMsgId);
        const existing = list.find(
          (m) => m.clientMsgId === clientMsgId && m.userId === socket.token,
        );
        const replyTo = typeof frame.replyTo === 'number' ? frame.replyTo : undefined;
        if (replyTo !== undefined && !list.some((m) => m.seq === replyTo)) {
          return reply({ type: 'error', code: 'bad_request', message: 'no such replyTo' });
        }
        const attachments = existing
          ? undefined
          : this.files.attach(roomId, socket.token, frame.attachments);
        if (typeof attachments === 'string') {
          return reply({ type: 'error', code: 'bad_request', message: attachments });
        }
        if (!existing && attachments === undefined && String(frame.content) === '') {
          return reply({ type: 'error', code: 'bad_request', message: 'content: empty' });
        }
        const message =
          existing ??
          this.append(roomId, String(frame.content), socket.token, clientMsgId, replyTo);
        if (attachments) message.attachments = attachments;
        if (!existing && this.fanOut) this.fanOutMessage(message, socket);
        if (this.dropBeforeNextAck) {
          this.dropBeforeNextAck = false;
          return socket.drop();
        }
        return reply({ type: 'ack', message });
      }
      case 'leave_room':
        socket.joined.delete(roomId);
        return reply({ type: 'left', roomId });
      default:
        if (this.v2.handle(socket, frame, reply)) return;
        if (this.live.handle(socket, frame, reply)) return;
        if (this.files.handle(socket, frame, reply)) return;
        return reply({ type: 'error', code: 'unknown_action', message: 'no' });
    }
  }

  /** `pageCut` applied: the oldest kept going forward, else the newest; hasMore if cut. */
  private cut(page: Page, forward: boolean): Page {
    const max = this.pageCut;
    if (max === undefined || page.messages.length <= max) return page;
    const messages = forward ? page.messages.slice(0, max) : page.messages.slice(-max);
    return { messages, hasMore: true };
  }
}

interface Page {
  messages: Message[];
  hasMore: boolean;
}

function forward(list: Message[], after: number, limit: number): Page {
  const rest = list.filter((m) => m.seq > after);
  return { messages: rest.slice(0, limit), hasMore: rest.length > limit };
}

function newest(list: Message[], limit: number): Page {
  return { messages: list.slice(-limit), hasMore: list.length > limit };
}
