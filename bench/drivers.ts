/**
 * One client interface over both systems, for the load generator: Parley through raw `ws`
 * speaking docs/protocol.md (replies matched by `requestId`), the Socket.IO peer through its
 * own client helper. Every timestamp is `performance.now()` in this process, so send, ack and
 * delivery times are on one clock.
 */
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';
import { signDevToken } from '../functions/auth/sign-token.js';
import type { PeerClient } from './peers/socketio/client.js';
import { PEER_CLIENT, type SystemUnderTest } from './servers.js';

/** How long a request waits for its reply before it counts as `timeout`. */
export const REQUEST_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 30_000;

/** A pushed `new_message`, reduced to what the generator checks. */
export interface Delivery {
  roomId: string;
  clientMsgId: string | undefined;
  content: string;
  seq: number;
}

/** `receivedAt` is `performance.now()` when the frame arrived, before anything else ran. */
export type DeliveryListener = (delivery: Delivery, receivedAt: number) => void;

export interface SendOutcome {
  /** True on `ack`; false on an `error` reply (see `code`) or no reply in time. */
  ok: boolean;
  code?: string;
  /** `performance.now()` just before the frame went to the socket. */
  sentAt: number;
  /** `performance.now()` when the reply arrived (or the request gave up). */
  repliedAt: number;
}

export interface ChatConnection {
  readonly userId: string;
  /** From the start of the handshake to an open connection, ms (the token made before). */
  readonly connectMs: number;
  /** Resolves on `room_history`; rejects with the error code otherwise. */
  join(roomId: string): Promise<void>;
  /** Resolves on the reply (never rejects): `ok` on `ack`. */
  send(roomId: string, content: string, clientMsgId: string): Promise<SendOutcome>;
  /** Every `new_message` pushed to this connection. */
  onMessage(listener: DeliveryListener): void;
  /** Sends `typing start` (no reply); absent where the system has no typing. */
  typing?(roomId: string): void;
  /** Closes the socket; resolves once it is closed (or after a short grace period). */
  close(): Promise<void>;
}

/** What a driver needs of a system: where to connect. Plain data, so a worker thread gets it. */
export type DriverTarget = Pick<SystemUnderTest, 'name' | 'wsUrl' | 'httpUrl' | 'jwtSecret'>;

export interface Driver {
  system: DriverTarget;
  /** `token`: one made beforehand (`tokenFor`), so a burst of handshakes is not also signing. */
  connect(userId: string, token?: string): Promise<ChatConnection>;
}

export class RequestError extends Error {
  override name = 'RequestError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Counts `error` under its code (a RequestError's, else the start of its message). */
export function countError(errors: Record<string, number>, error: unknown): void {
  const code =
    typeof error === 'object' && error !== null && 'code' in error
      ? String((error as { code: unknown }).code)
      : error instanceof Error
        ? error.message.slice(0, 60)
        : String(error);
  errors[code] = (errors[code] ?? 0) + 1;
}

export function tokenFor(system: DriverTarget, userId: string): Promise<string> {
  return signDevToken(system.jwtSecret, userId, { expiresIn: '2h' });
}

export async function createDriver(system: DriverTarget): Promise<Driver> {
  return system.name === 'parley' ? parleyDriver(system) : await peerDriver(system);
}

// --- Parley: raw WebSocket, docs/protocol.md ---------------------------------------------

interface ReplyFrame {
  type: string;
  requestId?: string;
  code?: string;
  message?: { roomId: string; clientMsgId?: string; content: string; seq: number };
}

interface Pending {
  resolve: (frame: ReplyFrame | undefined, at: number) => void;
  deadline: number;
}

function parleyDriver(system: DriverTarget): Driver {
  let nextId = 0;
  return {
    system,
    async connect(userId, made) {
      const token = made ?? (await tokenFor(system, userId));
      const connectStarted = performance.now();
      const socket = new WebSocket(`${system.wsUrl}/?token=${encodeURIComponent(token)}`, {
        perMessageDeflate: false,
        handshakeTimeout: CONNECT_TIMEOUT_MS,
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => {
          socket.off('error', reject);
          resolve();
        });
        socket.once('unexpected-response', (_req, res) =>
          reject(
            new RequestError(`http_${res.statusCode}`, `handshake refused: ${res.statusCode}`),
          ),
        );
        socket.once('error', reject);
      });
      const connectMs = performance.now() - connectStarted;

      const pending = new Map<string, Pending>();
      const listeners: DeliveryListener[] = [];
      socket.on('error', () => {
        // A reset after open: 'close' follows and fails what is pending.
      });
      socket.on('message', (data) => {
        const at = performance.now();
        const frame = JSON.parse(data.toString()) as ReplyFrame;
        if (frame.type === 'new_message' && frame.message) {
          const m = frame.message;
          const delivery = {
            roomId: m.roomId,
            clientMsgId: m.clientMsgId,
            content: m.content,
            seq: m.seq,
          };
          for (const listener of listeners) listener(delivery, at);
          return;
        }
        if (frame.requestId === undefined) return;
        const waiter = pending.get(frame.requestId);
        if (!waiter) return;
        pending.delete(frame.requestId);
        waiter.resolve(frame, at);
      });
      const closed = new Promise<void>((resolve) => {
        socket.once('close', () => {
          const at = performance.now();
          for (const waiter of pending.values()) waiter.resolve(undefined, at);
          pending.clear();
          resolve();
        });
      });
      // One sweep per connection is cheap next to a timer per request.
      const sweep = setInterval(() => {
        const now = performance.now();
        for (const [id, waiter] of pending) {
          if (waiter.deadline > now) continue;
          pending.delete(id);
          waiter.resolve(undefined, now);
        }
      }, 1_000);
      sweep.unref();

      const request = (frame: Record<string, unknown>) =>
        new Promise<{ frame: ReplyFrame | undefined; sentAt: number; at: number }>((resolve) => {
          nextId += 1;
          const requestId = String(nextId);
          const sentAt = performance.now();
          if (socket.readyState !== WebSocket.OPEN) {
            resolve({ frame: undefined, sentAt, at: sentAt });
            return;
          }
          pending.set(requestId, {
            resolve: (reply, at) => resolve({ frame: reply, sentAt, at }),
            deadline: sentAt + REQUEST_TIMEOUT_MS,
          });
          socket.send(JSON.stringify({ ...frame, requestId }));
        });

      return {
        userId,
        connectMs,
        async join(roomId) {
          const { frame } = await request({ action: 'join_room', roomId, limit: 1 });
          if (frame?.type !== 'room_history') {
            throw new RequestError(frame?.code ?? 'timeout', `join_room ${roomId} failed`);
          }
        },
        async send(roomId, content, clientMsgId) {
          const { frame, sentAt, at } = await request({
            action: 'send_message',
            roomId,
            content,
            clientMsgId,
          });
          if (frame?.type === 'ack') return { ok: true, sentAt, repliedAt: at };
          return {
            ok: false,
            code: frame ? (frame.code ?? frame.type) : closedOrTimeout(socket),
            sentAt,
            repliedAt: at,
          };
        },
        onMessage(listener) {
          listeners.push(listener);
        },
        typing(roomId) {
          if (socket.readyState === WebSocket.OPEN) {
            socket.send(JSON.stringify({ action: 'typing', roomId, state: 'start' }));
          }
        },
        async close() {
          clearInterval(sweep);
          if (socket.readyState === WebSocket.CLOSED) return;
          socket.close(1000);
          const grace = setTimeout(() => socket.terminate(), 5_000);
          await closed;
          clearTimeout(grace);
        },
      };
    },
  };
}

function closedOrTimeout(socket: WebSocket): string {
  return socket.readyState === WebSocket.OPEN ? 'timeout' : 'closed';
}

// --- The Socket.IO peer, through its client helper -----------------------------------------

interface PeerClientModule {
  connectPeer(
    url: string,
    token: string,
    options?: { requestTimeoutMs?: number; connectTimeoutMs?: number },
  ): Promise<PeerClient>;
}

async function peerDriver(system: DriverTarget): Promise<Driver> {
  // Loaded at run time, so that Parley's rows still run if the peer's files are absent.
  const { connectPeer } = (await import(pathToFileURL(PEER_CLIENT).href)) as PeerClientModule;
  return {
    system,
    async connect(userId, made) {
      const token = made ?? (await tokenFor(system, userId));
      const connectStarted = performance.now();
      const client = await connectPeer(system.httpUrl, token, {
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        connectTimeoutMs: CONNECT_TIMEOUT_MS,
      });
      const connectMs = performance.now() - connectStarted;
      let open = true;
      return {
        userId,
        connectMs,
        async join(roomId) {
          const reply = await client
            .request('join_room', { roomId, limit: 1 })
            .catch(() => undefined);
          if (reply?.type !== 'room_history') {
            throw new RequestError(
              reply?.type === 'error' ? reply.code : 'timeout',
              `join_room ${roomId} failed`,
            );
          }
        },
        async send(roomId, content, clientMsgId) {
          const sentAt = performance.now();
          try {
            const reply = await client.request('send_message', { roomId, content, clientMsgId });
            const repliedAt = performance.now();
            if (reply.type === 'ack') return { ok: true, sentAt, repliedAt };
            return { ok: false, code: reply.code, sentAt, repliedAt };
          } catch {
            return {
              ok: false,
              code: open ? 'timeout' : 'closed',
              sentAt,
              repliedAt: performance.now(),
            };
          }
        },
        onMessage(listener) {
          client.on('new_message', (event) => {
            const at = performance.now();
            const m = event.message;
            listener(
              { roomId: m.roomId, clientMsgId: m.clientMsgId, content: m.content, seq: m.seq },
              at,
            );
          });
        },
        async close() {
          open = false;
          client.close();
        },
      };
    },
  };
}
