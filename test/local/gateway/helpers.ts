/**
 * Test helpers for the local gateway: handlers that record what they receive, WebSocket
 * clients that can be awaited, and the real management API client.
 */
import diagnostics from 'node:diagnostics_channel';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, vi } from 'vitest';
import { WebSocket } from 'ws';
import type {
  Context,
  WebSocketEvent,
  WebSocketHandler,
  WebSocketResult,
} from '../../../functions/shared/apigw-events.js';
import { type Gateway, type GatewayOptions, startGateway } from '../../../local/gateway/index.js';

export interface Invocation {
  event: WebSocketEvent;
  context: Context;
}

type Waiter = { match: (i: Invocation) => boolean; resolve: (i: Invocation) => void };

/** Records every invocation of the handlers it makes, and lets a test wait for one. */
export class Recorder {
  readonly invocations: Invocation[] = [];
  private waiters: Waiter[] = [];

  /** A handler that records its invocation, then runs `then` (default: answers 200). */
  handler(
    then?: (event: WebSocketEvent) => Promise<WebSocketResult> | WebSocketResult,
  ): WebSocketHandler {
    return async (event, context) => {
      this.record({ event, context });
      return then ? then(event) : { statusCode: 200 };
    };
  }

  /** Every $connect/$default/$disconnect route recording into this recorder. */
  routes(extra: Record<string, WebSocketHandler> = {}): Record<string, WebSocketHandler> {
    return {
      $connect: this.handler(),
      $disconnect: this.handler(),
      $default: this.handler(),
      ...extra,
    };
  }

  record(invocation: Invocation): void {
    this.invocations.push(invocation);
    const ready = this.waiters.filter((w) => w.match(invocation));
    this.waiters = this.waiters.filter((w) => !w.match(invocation));
    for (const waiter of ready) waiter.resolve(invocation);
  }

  /** The first invocation (already seen or still to come) matching `match`. */
  waitFor(match: (i: Invocation) => boolean): Promise<Invocation> {
    const seen = this.invocations.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  waitForRoute(routeKey: string, connectionId?: string): Promise<Invocation> {
    return this.waitFor(
      (i) =>
        i.event.requestContext.routeKey === routeKey &&
        (connectionId === undefined || i.event.requestContext.connectionId === connectionId),
    );
  }

  byRoute(routeKey: string): Invocation[] {
    return this.invocations.filter((i) => i.event.requestContext.routeKey === routeKey);
  }
}

/** A WebSocket client whose messages and close can be awaited. */
export class TestClient {
  readonly messages: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(String(data));
      const ready = this.waiters.filter((w) => this.messages.length >= w.count);
      this.waiters = this.waiters.filter((w) => this.messages.length < w.count);
      for (const waiter of ready) waiter.resolve();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
    ws.on('error', () => {}); // failures surface through `closed` and the assertions
  }

  /** The n-th message received (1-based), waiting for it if needed. */
  async message(n = 1): Promise<string> {
    if (this.messages.length < n) {
      await new Promise<void>((resolve) => this.waiters.push({ count: n, resolve }));
    }
    return this.messages[n - 1] ?? '';
  }

  send(data: string | Buffer, options: { binary?: boolean; fin?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.send(data, options, (error) => (error ? reject(error) : resolve()));
    });
  }
}

/** Opens a client and waits until the handshake completes. */
export async function connect(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<TestClient> {
  const ws = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
  const client = new TestClient(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`handshake refused: ${String(res.statusCode)}`)),
    );
    ws.once('error', reject);
  });
  return client;
}

/** Attempts a handshake that should be refused; resolves with the HTTP status and body. */
export function refusedStatus(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.close();
      reject(new Error('handshake unexpectedly succeeded'));
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => {}); // ws reports the refusal as an error after unexpected-response
  });
}

export function managementClient(endpoint: string): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
}

/** The connection id $connect saw for the most recent connection. */
export async function lastConnectionId(recorder: Recorder): Promise<string> {
  const invocation = await recorder.waitForRoute('$connect');
  const connects = recorder.byRoute('$connect');
  return (connects[connects.length - 1] ?? invocation).event.requestContext.connectionId;
}

/** A promise with its resolve function, for handlers that must wait for the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const silentLog = (): void => {};

/**
 * One gateway per test: `start` closes the one before, and after each test the last is
 * closed and real timers and mocked globals are restored.
 */
export function gatewayPerTest(): (options: GatewayOptions) => Promise<Gateway> {
  let current: Gateway | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    await current?.close();
    current = undefined;
  });
  return async (options) => {
    await current?.close();
    current = await startGateway(options);
    return current;
  };
}

/** Resolves when the next HTTP request reaches a server in this process. */
export function nextServerRequest(): Promise<void> {
  return new Promise((resolve) => {
    const onStart = () => {
      diagnostics.unsubscribe('http.server.request.start', onStart);
      resolve();
    };
    diagnostics.subscribe('http.server.request.start', onStart);
  });
}
