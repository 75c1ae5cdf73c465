/**
 * A minimal client for the Socket.IO peer, for the load generator and tests: websocket
 * transport only, no reconnection, one promise per request.
 *
 * @example
 * const client = await connectPeer(`http://127.0.0.1:${port}`, token);
 * client.on('new_message', (event) => console.log(event.message.content));
 * await client.request('join_room', { roomId: 'lobby' });
 * const reply = await client.request('send_message', { roomId: 'lobby', content: 'hi' });
 * client.close();
 */
import { io, type Socket } from 'socket.io-client';
import type { PeerRequestName, PeerRequests, ServerToClientEvents } from './types.js';

export type * from './types.js';

export interface PeerClient {
  /** Emits `event` and resolves with its acknowledgement; rejects after the timeout. */
  request<K extends PeerRequestName>(
    event: K,
    payload: PeerRequests[K]['payload'],
  ): Promise<PeerRequests[K]['reply']>;
  on<K extends keyof ServerToClientEvents>(event: K, listener: ServerToClientEvents[K]): void;
  off<K extends keyof ServerToClientEvents>(event: K, listener: ServerToClientEvents[K]): void;
  close(): void;
}

export interface ConnectOptions {
  /** How long a request waits for its ack (ms). Default 10 000. */
  requestTimeoutMs?: number;
  /** How long the handshake may take (ms). Default 10 000. */
  connectTimeoutMs?: number;
}

/**
 * Connects with `token` in the handshake's `auth`. Rejects with the server's reason
 * (`unauthorized`) or a timeout when the connection does not open.
 */
export function connectPeer(
  url: string,
  token: string,
  options: ConnectOptions = {},
): Promise<PeerClient> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  // Untyped inside: the wire carries whatever the server sends; PeerClient types the boundary.
  const socket: Socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: options.connectTimeoutMs ?? 10_000,
    auth: { token },
  });

  const client: PeerClient = {
    request(event, payload) {
      // The generic event name defeats Socket.IO's overloads; the types above keep it honest.
      return socket.timeout(requestTimeoutMs).emitWithAck(event, payload) as Promise<
        PeerRequests[typeof event]['reply']
      >;
    },
    on(event, listener) {
      socket.on(event as string, listener as (event: unknown) => void);
    },
    off(event, listener) {
      socket.off(event as string, listener as (event: unknown) => void);
    },
    close() {
      socket.disconnect();
    },
  };

  return new Promise((resolve, reject) => {
    const onConnect = () => {
      socket.off('connect_error', onError);
      resolve(client);
    };
    const onError = (error: Error) => {
      socket.off('connect', onConnect);
      socket.disconnect();
      reject(error);
    };
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  });
}
