/**
 * The SDK's only contact with a WebSocket implementation. `WebSocketLike` is the small
 * part of the WHATWG WebSocket that both browsers and the `ws` package provide, so no DOM
 * type crosses the module boundary and tests can pass a fake.
 */

/** Event payloads as the SDK reads them; real events carry more. */
export interface SocketMessageEvent {
  data: unknown;
}
export interface SocketCloseEvent {
  code: number;
  reason: string;
}

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: SocketMessageEvent) => void): void;
  addEventListener(type: 'close', listener: (event: SocketCloseEvent) => void): void;
  addEventListener(type: 'error', listener: (event: unknown) => void): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** WebSocket.OPEN in every implementation. */
const OPEN = 1;

/**
 * The default implementation. Under Node.js the `ws` package comes first even where Node
 * has a global WebSocket, because only `ws` reports the HTTP status of a refused handshake
 * (a 401 must stop a client whose token is a fixed string); browsers get their own
 * WebSocket and never reach the `ws` import, which bundlers may therefore leave out.
 */
export async function defaultWebSocket(): Promise<WebSocketConstructor> {
  // Through globalThis: the SDK is type-checked for browsers, where `process` is not declared.
  const host = globalThis as { process?: { versions?: { node?: string } } };
  const isNode = host.process?.versions?.node !== undefined;
  if (isNode || globalThis.WebSocket === undefined) {
    try {
      const ws = await import('ws');
      return ws.WebSocket;
    } catch (error) {
      if (globalThis.WebSocket === undefined) throw error;
    }
  }
  return globalThis.WebSocket;
}

/**
 * How a socket ended. `handshakeStatus` is the HTTP status of a refused handshake when the
 * implementation reports it (`ws` does, browsers do not); `handshakeRefusal` the local
 * gateway's `X-Parley-Refusal` header with it (why the token was refused; AWS sends none).
 */
export interface SocketCloseInfo extends SocketCloseEvent {
  opened: boolean;
  handshakeStatus?: number;
  handshakeRefusal?: string;
}

export interface SocketHandlers {
  open(): void;
  /** One text frame. Binary frames are not part of the protocol and are ignored. */
  message(text: string): void;
  /** The socket is gone. `opened` says whether it ever opened. */
  close(info: SocketCloseInfo): void;
}

/** `ws`'s extra event for a refused handshake, found by duck typing. */
interface UnexpectedResponseSource {
  once(
    event: 'unexpected-response',
    listener: (
      request: unknown,
      response: { statusCode?: number; headers?: Record<string, string | string[] | undefined> },
    ) => void,
  ): unknown;
}

function reportsHandshakeStatus(
  socket: WebSocketLike,
): socket is WebSocketLike & UnexpectedResponseSource {
  return typeof (socket as Partial<UnexpectedResponseSource>).once === 'function';
}

/** One connection attempt: wires the handlers and reports `close` exactly once. */
export class SocketConnection {
  private opened = false;
  private closed = false;
  private handshakeStatus: number | undefined;
  private handshakeRefusal: string | undefined;
  readonly socket: WebSocketLike;

  constructor(Ctor: WebSocketConstructor, url: string, handlers: SocketHandlers) {
    this.socket = new Ctor(url);
    const socket = this.socket;
    if (reportsHandshakeStatus(socket)) {
      socket.once('unexpected-response', (_request, response) => {
        this.handshakeStatus = response.statusCode;
        const refusal = response.headers?.['x-parley-refusal'];
        if (typeof refusal === 'string' && refusal !== '') this.handshakeRefusal = refusal;
        // With a listener here `ws` leaves aborting to us; close() on a connecting
        // socket aborts the handshake and emits error + close.
        socket.close();
      });
    }
    socket.addEventListener('open', () => {
      this.opened = true;
      handlers.open();
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string') handlers.message(event.data);
    });
    // Errors are always followed by close, which carries what the SDK needs.
    socket.addEventListener('error', () => {});
    socket.addEventListener('close', (event) => {
      if (this.closed) return;
      this.closed = true;
      handlers.close({
        code: event.code,
        reason: event.reason,
        opened: this.opened,
        ...(this.handshakeStatus === undefined ? {} : { handshakeStatus: this.handshakeStatus }),
        ...(this.handshakeRefusal === undefined ? {} : { handshakeRefusal: this.handshakeRefusal }),
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === OPEN;
  }

  send(text: string): void {
    this.socket.send(text);
  }

  close(code = 1000, reason = ''): void {
    this.socket.close(code, reason);
  }
}
