/**
 * The benchmark peer: Parley's chat actions on the seed plan's own design, a single Socket.IO 4
 * process with the Redis adapter, PostgreSQL for messages and a Redis list of recent messages
 * per room. Built as that plan would build it, without handicaps and without tuning the plan
 * does not have; see README.md beside this file.
 *
 * Run standalone: `node --import tsx bench/peers/socketio/server.ts` with PORT, DATABASE_URL,
 * REDIS_URL, REDIS_PREFIX and JWT_SECRET in the environment; or call `startPeer` in-process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { Server, type Socket } from 'socket.io';
import type {
  ErrorCode,
  ErrorReply,
  PeerMessage,
  PeerRequestName,
  RoomHistoryReply,
  ServerToClientEvents,
} from './types.js';

export interface PeerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  databaseUrl: string;
  redisUrl: string;
  /** Prepended to every Redis key and pub/sub channel. */
  redisPrefix: string;
  jwtSecret: string;
  /** Where errors the peer survives are reported; defaults to console.error. */
  logError?: (message: string, error: unknown) => void;
}

export interface RunningPeer {
  port: number;
  close(): Promise<void>;
}

/** How many messages the per-room Redis list keeps. */
const RECENT_MAX = 100;
/** Presence hashes expire this long after the last join. */
const PRESENCE_TTL_SECONDS = 300;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 100;
const MAX_CONTENT_CHARS = 4000;
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Incoming events as the server sees them: the payload and the ack are whatever arrived. */
type IncomingEvents = {
  [K in PeerRequestName]: (payload: unknown, ack?: unknown) => void;
};
interface SocketData {
  userId: string;
}
type PeerSocket = Socket<IncomingEvents, ServerToClientEvents, Record<string, never>, SocketData>;

interface MessageRow {
  id: string;
  room_id: string;
  user_id: string;
  content: string;
  client_msg_id: string | null;
  created_at: Date;
}

/** A request the peer refuses; the reply carries its code. */
class PeerError extends Error {
  override name = 'PeerError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS peer_messages (
    id bigserial PRIMARY KEY,
    room_id text NOT NULL,
    user_id text NOT NULL,
    content text NOT NULL,
    client_msg_id text,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS peer_messages_room_id_id ON peer_messages (room_id, id);
`;

const SELECT_COLUMNS = 'id, room_id, user_id, content, client_msg_id, created_at';

function toMessage(row: MessageRow): PeerMessage {
  const id = Number(row.id);
  const message: PeerMessage = {
    id,
    roomId: row.room_id,
    seq: id,
    userId: row.user_id,
    content: row.content,
    createdAt: row.created_at.toISOString(),
  };
  if (row.client_msg_id !== null) message.clientMsgId = row.client_msg_id;
  return message;
}

// --- input checks: payloads come off the network, so everything starts as unknown ---

function asObject(payload: unknown): Record<string, unknown> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new PeerError('bad_request', 'payload must be an object');
  }
  return payload as Record<string, unknown>;
}

function roomIdOf(body: Record<string, unknown>): string {
  const roomId = body.roomId;
  if (typeof roomId !== 'string' || !ROOM_ID.test(roomId)) {
    throw new PeerError('bad_request', 'roomId must match ^[A-Za-z0-9_-]{1,64}$');
  }
  return roomId;
}

function optionalSeq(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new PeerError('bad_request', `${field} must be a non-negative integer`);
  }
  return value;
}

function limitOf(body: Record<string, unknown>): number {
  const value = body.limit;
  if (value === undefined || value === null) return DEFAULT_LIMIT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw new PeerError('bad_request', `limit must be an integer from 1 to ${MAX_LIMIT}`);
  }
  return value;
}

function requestIdOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const requestId = (payload as Record<string, unknown>).requestId;
  return typeof requestId === 'string' && requestId.length <= 64 ? requestId : undefined;
}

/**
 * Starts the peer and resolves once it listens.
 *
 * @example
 * const peer = await startPeer({ port: 0, databaseUrl, redisUrl, redisPrefix: 'b1:', jwtSecret });
 * // ... connect with connectPeer(`http://127.0.0.1:${peer.port}`, token)
 * await peer.close();
 */
export async function startPeer(options: PeerOptions): Promise<RunningPeer> {
  const logError =
    options.logError ?? ((message: string, error: unknown) => console.error(message, error));
  const prefix = options.redisPrefix;
  const secret = new TextEncoder().encode(options.jwtSecret);

  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
  pool.on('error', (error) => logError('pg pool error', error));
  // Connected before use: a subscriber that subscribes before its ready check has run fails
  // that check ("only subscriber commands may be used").
  const redis = new Redis(options.redisUrl, { lazyConnect: true });
  const pub = new Redis(options.redisUrl, { lazyConnect: true });
  const sub = pub.duplicate();
  for (const client of [redis, pub, sub]) client.on('error', (e) => logError('redis error', e));

  /** Presence clean-ups of disconnecting sockets still in flight. */
  const cleanups = new Set<Promise<void>>();
  const closeClients = async () => {
    await Promise.allSettled([redis.quit(), pub.quit(), sub.quit()]);
    await pool.end();
  };

  try {
    await Promise.all([redis.connect(), pub.connect(), sub.connect(), pool.query(SCHEMA)]);
  } catch (error) {
    await closeClients();
    throw error;
  }

  const recentKey = (roomId: string) => `${prefix}recent:${roomId}`;
  const presenceKey = (roomId: string) => `${prefix}presence:${roomId}`;

  // --- history: the newest messages from the Redis list when it can answer, else PostgreSQL ---

  async function newestFromCache(
    roomId: string,
    limit: number,
  ): Promise<{ messages: PeerMessage[]; hasMore: boolean } | undefined> {
    // One more than asked, to tell whether older ones exist.
    const cached = await redis.lrange(recentKey(roomId), 0, limit);
    if (cached.length === 0) return undefined;
    if (cached.length > limit) {
      const messages = cached.slice(0, limit).map((raw) => JSON.parse(raw) as PeerMessage);
      return { messages: messages.reverse(), hasMore: true };
    }
    // A list shorter than its cap was never trimmed, so it holds the room's every message.
    if (cached.length < RECENT_MAX) {
      const messages = cached.map((raw) => JSON.parse(raw) as PeerMessage);
      return { messages: messages.reverse(), hasMore: false };
    }
    return undefined;
  }

  async function historyFromDb(
    roomId: string,
    limit: number,
    cursor: { before?: number; after?: number },
  ): Promise<{ messages: PeerMessage[]; hasMore: boolean }> {
    let result: pg.QueryResult<MessageRow>;
    if (cursor.after !== undefined) {
      result = await pool.query<MessageRow>(
        `SELECT ${SELECT_COLUMNS} FROM peer_messages WHERE room_id = $1 AND id > $2
         ORDER BY id ASC LIMIT $3`,
        [roomId, cursor.after, limit + 1],
      );
      const hasMore = result.rows.length > limit;
      return { messages: result.rows.slice(0, limit).map(toMessage), hasMore };
    }
    if (cursor.before !== undefined) {
      result = await pool.query<MessageRow>(
        `SELECT ${SELECT_COLUMNS} FROM peer_messages WHERE room_id = $1 AND id < $2
         ORDER BY id DESC LIMIT $3`,
        [roomId, cursor.before, limit + 1],
      );
    } else {
      result = await pool.query<MessageRow>(
        `SELECT ${SELECT_COLUMNS} FROM peer_messages WHERE room_id = $1
         ORDER BY id DESC LIMIT $2`,
        [roomId, limit + 1],
      );
    }
    const hasMore = result.rows.length > limit;
    return { messages: result.rows.slice(0, limit).map(toMessage).reverse(), hasMore };
  }

  async function history(
    roomId: string,
    limit: number,
    cursor: { before?: number; after?: number },
  ): Promise<{ messages: PeerMessage[]; hasMore: boolean }> {
    if (cursor.before === undefined && cursor.after === undefined) {
      const cached = await newestFromCache(roomId, limit);
      if (cached) return cached;
    }
    return historyFromDb(roomId, limit, cursor);
  }

  // --- the actions ---

  async function joinRoom(socket: PeerSocket, payload: unknown): Promise<RoomHistoryReply> {
    const body = asObject(payload);
    const roomId = roomIdOf(body);
    const since = optionalSeq(body, 'since');
    const limit = limitOf(body);
    const userId = socket.data.userId;
    const wasIn = socket.rooms.has(roomId);
    await socket.join(roomId);
    const key = presenceKey(roomId);
    let online: string[];
    let page: { messages: PeerMessage[]; hasMore: boolean };
    try {
      const [presence, found] = await Promise.all([
        redis
          .pipeline()
          .hset(key, userId, Date.now())
          .expire(key, PRESENCE_TTL_SECONDS)
          .hkeys(key)
          .exec(),
        history(roomId, limit, since === undefined ? {} : { after: since }),
      ]);
      for (const [error] of presence ?? []) if (error) throw error;
      online = (presence?.[2]?.[1] ?? []) as string[];
      page = found;
    } catch (error) {
      // A failed join leaves the socket as it was.
      if (!wasIn) await socket.leave(roomId);
      throw error;
    }
    socket.to(roomId).emit('presence', { type: 'presence', roomId, userId, status: 'online' });
    return { type: 'room_history', roomId, ...page, online };
  }

  async function sendMessage(socket: PeerSocket, payload: unknown) {
    const body = asObject(payload);
    const roomId = roomIdOf(body);
    const content = body.content;
    if (typeof content !== 'string' || content.length < 1 || content.length > MAX_CONTENT_CHARS) {
      throw new PeerError('bad_request', `content must be 1 to ${MAX_CONTENT_CHARS} characters`);
    }
    const clientMsgId = body.clientMsgId;
    if (
      clientMsgId !== undefined &&
      clientMsgId !== null &&
      (typeof clientMsgId !== 'string' || clientMsgId.length < 1 || clientMsgId.length > 64)
    ) {
      throw new PeerError('bad_request', 'clientMsgId must be a string of 1 to 64 characters');
    }
    if (!socket.rooms.has(roomId)) throw new PeerError('forbidden', 'join the room first');

    const { rows } = await pool.query<MessageRow>(
      `INSERT INTO peer_messages (room_id, user_id, content, client_msg_id)
       VALUES ($1, $2, $3, $4) RETURNING ${SELECT_COLUMNS}`,
      [roomId, socket.data.userId, content, clientMsgId ?? null],
    );
    const message = toMessage(rows[0]!);
    const key = recentKey(roomId);
    await redis
      .pipeline()
      .lpush(key, JSON.stringify(message))
      .ltrim(key, 0, RECENT_MAX - 1)
      .exec();
    socket.to(roomId).emit('new_message', { type: 'new_message', message });
    return { type: 'ack' as const, message };
  }

  async function getHistory(socket: PeerSocket, payload: unknown): Promise<RoomHistoryReply> {
    const body = asObject(payload);
    const roomId = roomIdOf(body);
    const before = optionalSeq(body, 'before');
    const after = optionalSeq(body, 'after');
    if (before !== undefined && after !== undefined) {
      throw new PeerError('bad_request', 'send before or after, not both');
    }
    const limit = limitOf(body);
    if (!socket.rooms.has(roomId)) throw new PeerError('forbidden', 'join the room first');
    const cursor = before !== undefined ? { before } : after !== undefined ? { after } : {};
    return { type: 'room_history', roomId, ...(await history(roomId, limit, cursor)) };
  }

  async function leaveRoom(socket: PeerSocket, payload: unknown) {
    const body = asObject(payload);
    const roomId = roomIdOf(body);
    const wasIn = socket.rooms.has(roomId);
    await socket.leave(roomId);
    if (wasIn) await markOffline(socket, roomId);
    return { type: 'left' as const, roomId };
  }

  async function markOffline(socket: PeerSocket, roomId: string) {
    const userId = socket.data.userId;
    await redis.hdel(presenceKey(roomId), userId);
    socket.to(roomId).emit('presence', { type: 'presence', roomId, userId, status: 'offline' });
  }

  const actions: Record<
    PeerRequestName,
    (socket: PeerSocket, payload: unknown) => Promise<object>
  > = {
    join_room: joinRoom,
    send_message: sendMessage,
    get_history: getHistory,
    leave_room: leaveRoom,
  };

  // --- the server ---

  const httpServer = createServer();
  const io = new Server<IncomingEvents, ServerToClientEvents, Record<string, never>, SocketData>(
    httpServer,
    { transports: ['websocket'], serveClient: false },
  );
  io.adapter(createAdapter(pub, sub, { key: `${prefix}socket.io` }));

  io.use(async (socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const fromAuth =
      typeof auth === 'object' && auth !== null
        ? (auth as Record<string, unknown>).token
        : undefined;
    const token = typeof fromAuth === 'string' ? fromAuth : socket.handshake.query.token;
    if (typeof token !== 'string' || token === '') return next(new Error('unauthorized'));
    try {
      const { payload } = await jwtVerify(token, secret, {
        algorithms: ['HS256'],
        requiredClaims: ['sub', 'exp'],
      });
      socket.data.userId = payload.sub!;
      next();
    } catch {
      next(new Error('unauthorized'));
    }
  });

  io.on('connection', (socket) => {
    for (const name of Object.keys(actions) as PeerRequestName[]) {
      const action = actions[name];
      socket.on(name, (payload: unknown, ack?: unknown) => {
        const reply = (body: object) => {
          if (typeof ack !== 'function') return;
          const requestId = requestIdOf(payload);
          ack(requestId === undefined ? body : { ...body, requestId });
        };
        action(socket, payload).then(reply, (error: unknown) => {
          if (error instanceof PeerError) {
            reply({ type: 'error', code: error.code, message: error.message } satisfies ErrorReply);
            return;
          }
          logError(`${name} failed`, error);
          reply({
            type: 'error',
            code: 'unavailable',
            message: 'a backing store failed; retry later',
          } satisfies ErrorReply);
        });
      });
    }

    // `disconnecting` still sees the rooms; by `disconnect` they are gone.
    socket.on('disconnecting', () => {
      for (const roomId of socket.rooms) {
        if (roomId === socket.id) continue;
        const cleanup = markOffline(socket, roomId).catch((error: unknown) =>
          logError('presence cleanup', error),
        );
        cleanups.add(cleanup);
        void cleanup.finally(() => cleanups.delete(cleanup));
      }
    });
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port, host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    io.close();
    await closeClients();
    throw error;
  }
  const { port } = httpServer.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= (async () => {
        // Closing the server disconnects every socket (running `disconnecting` cleanup first).
        await io.close();
        // Their Redis writes and presence publishes must reach Redis before QUIT, which
        // ioredis queues behind them on the same connections.
        await Promise.allSettled([...cleanups]);
        await closeClients();
      })();
      return closing;
    },
  };
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main() {
  const peer = await startPeer({
    port: Number(process.env.PORT ?? '0'),
    host: process.env.HOST ?? '127.0.0.1',
    databaseUrl: requireEnv('DATABASE_URL'),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    redisPrefix: process.env.REDIS_PREFIX ?? 'peer:',
    jwtSecret: requireEnv('JWT_SECRET'),
  });
  console.log(`peer listening on ${peer.port}`);
  const shutdown = () => {
    peer.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
