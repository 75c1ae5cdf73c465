/**
 * The gateway: one HTTP server whose upgrades become WebSocket connections (authorizer and
 * $connect first, then route selection for every frame, then $disconnect) and whose plain
 * requests are the `@connections` management API.
 *
 * Handlers run in-process, each call as a Lambda invocation (`LambdaRunner`: its context,
 * and its timeout when enforced). Frames from one connection are dispatched as they arrive,
 * without waiting for the previous invocation, because API Gateway does not serialize them
 * either. Every `@connections` call, over HTTP or in-process, meets the same limits
 * (`CallbackLimits`). Virtual connections (no socket) share every path but the socket.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type RawData, type ServerOptions, type WebSocket, WebSocketServer } from 'ws';
import type { WebSocketHandler } from '../../functions/shared/apigw-events.js';
import { hasIdentitySources, runAuthorizer } from './authorizer.js';
import { CallbackLimits } from './callback-limits.js';
import type { CloseIntent, Connection } from './connection-registry.js';
import { ConnectionRegistry } from './connection-registry.js';
import {
  type ApiInfo,
  buildAuthorizerEvent,
  buildConnectEvent,
  buildDisconnectEvent,
  buildMessageEvent,
  connectMethodArn,
  type HandshakeRequest,
} from './events.js';
import {
  isValidUpgrade,
  parseHandshake,
  refuseHandshake,
  sourceIpOf,
  virtualHandshake,
} from './handshake.js';
import { newConnectionId, newGatewayId } from './ids.js';
import { InProcessPosts } from './in-process-posts.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './lambda-context.js';
import { LambdaRunner, LambdaTimeoutError } from './lambda-runner.js';
import {
  CLOSE,
  CLOSE_HANDSHAKE_TIMEOUT_MS,
  FrameMeter,
  type FrameViolation,
  MAX_FRAME_BYTES,
  MAX_MESSAGE_BYTES,
} from './limits.js';
import { connectionIdFromPath, handleManagementRequest } from './management-api.js';
import type { Gateway, GatewayOptions, ResolvedOptions } from './options.js';
import { resolveOptions } from './options.js';
import { selectRoute } from './route-selection.js';
import { pooled, VirtualConnections, type VirtualInbox } from './virtual-connections.js';
import { isVirtualControlPath, VirtualControl } from './virtual-control.js';

const VIOLATION_CLOSE: Record<FrameViolation, CloseIntent> = {
  'frame-too-big': CLOSE.frameTooBig,
  'message-too-big': CLOSE.messageTooBig,
  binary: CLOSE.binary,
};

/** `$disconnect` reasons for client-side closes that carry none, as AWS words them. */
/** The `User-Agent` a virtual connection's events carry. */
const VIRTUAL_USER_AGENT = 'parley-virtual-connection';

const DEFAULT_CLOSE_REASONS: Record<number, string> = {
  1000: 'Connection Closed Normally',
  1001: 'Going away',
  1005: 'Client-side close frame status not set',
  1006: 'Connection closed abnormally',
};

/** The frame API Gateway sends for a message no route takes, or whose integration failed. */
function gatewayErrorFrame(message: string, connectionId: string, requestId: string): string {
  // AWS's exact spacing: a space after the first colon only.
  return (
    `{"message": ${JSON.stringify(message)}, "connectionId":${JSON.stringify(connectionId)}, ` +
    `"requestId":${JSON.stringify(requestId)}}`
  );
}

function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function errorFields(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { error: error.message, stack: error.stack }
    : { error: String(error) };
}

/** `what threw` or `what timed out` (Lambda has logged its own line for a timeout). */
function failure(what: string, error: unknown): string {
  return `${what} ${error instanceof LambdaTimeoutError ? 'timed out' : 'threw'}`;
}

/** A timeout's fields are Lambda's line, already logged: only the stack of a throw adds. */
function failureFields(error: unknown): Record<string, unknown> {
  return error instanceof LambdaTimeoutError ? {} : errorFields(error);
}

/** A client's own close of a virtual connection: 1000, as a browser's `close()` sends. */
const VIRTUAL_CLIENT_CLOSE: CloseIntent = { code: 1000, reason: 'Connection Closed Normally' };

type ConnectDecision =
  | { accept: true; protocol: string | undefined }
  | { accept: false; status: number; refusal?: string };

class LocalGateway {
  private readonly options: ResolvedOptions;
  private readonly api: ApiInfo;
  private readonly routeKeys: ReadonlySet<string>;
  private readonly registry = new ConnectionRegistry();
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  /** One promise per connection attempt, settled once its $disconnect (if any) has run. */
  private readonly lifecycles = new Set<Promise<void>>();
  /** The sub-protocol $connect chose, per upgrade request, for `handleProtocols`. */
  private readonly chosenProtocols = new WeakMap<IncomingMessage, string>();
  private readonly limits: CallbackLimits;
  private readonly lambda: LambdaRunner;
  private readonly posts: InProcessPosts;
  private readonly virtual: VirtualConnections;
  private readonly virtualControl: VirtualControl | undefined;
  private closing = false;
  /** The port listened on (the option may be 0): virtual connections' `domainName`. */
  private boundPort = 0;

  constructor(options: GatewayOptions) {
    this.options = resolveOptions(options);
    this.api = { apiId: this.options.apiId, stage: this.options.stage };
    this.routeKeys = new Set(Object.keys(this.options.routes));
    const { limits } = this.options;
    this.limits = new CallbackLimits({
      postLatencyMs: limits.postLatencyMs,
      throttle: limits.accountThrottle,
    });
    this.lambda = new LambdaRunner({
      enforceTimeouts: limits.lambdaTimeouts !== undefined,
      timeoutOverrideMs: limits.lambdaTimeouts?.timeoutMs,
      timeoutFor: this.options.functionTimeoutMs,
      platformLog: this.options.platformLog,
    });
    this.posts = new InProcessPosts(
      {
        getOpen: (id) => this.registry.getOpen(id),
        write: (connection, data, done) => this.write(connection, data, done),
      },
      this.limits,
      this.lambda,
    );
    this.virtual = new VirtualConnections({
      open: (token) => this.openVirtual(token),
      send: (id, frame) => this.sendVirtual(id, frame),
      close: (id) => this.closeVirtual(id, VIRTUAL_CLIENT_CLOSE),
      inbox: (id) => this.registry.get(id)?.virtual,
    });
    this.virtualControl = this.options.virtualControl
      ? new VirtualControl(this.virtual)
      : undefined;
    // ws 8.23 reads `closeTimeout` (how long a server-initiated close waits for the client's
    // close frame) but @types/ws does not declare it yet, hence the widened options object.
    const wsOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      // The message limit; FrameMeter enforces it first with AWS's code, this is the backstop.
      maxPayload: MAX_MESSAGE_BYTES,
      perMessageDeflate: false, // API Gateway does not negotiate compression
      closeTimeout: CLOSE_HANDSHAKE_TIMEOUT_MS,
      // API Gateway echoes only the sub-protocol $connect returned in Sec-WebSocket-Protocol.
      handleProtocols: (protocols, req) => {
        const chosen = this.chosenProtocols.get(req);
        return chosen !== undefined && protocols.has(chosen) ? chosen : false;
      },
    };
    this.wss = new WebSocketServer(wsOptions);
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.track((done) => this.onUpgrade(req, socket, head, done));
    });
  }

  async listen(): Promise<Gateway> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.boundPort = port;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    this.options.log('gateway listening', { url: `ws://${host}:${port}` });
    return {
      url: `ws://${host}:${port}`,
      callbackUrl: `http://${host}:${port}`,
      port,
      postToConnection: (connectionId, data) => this.posts.postToConnection(connectionId, data),
      postToConnections: (connectionIds, data, options) =>
        this.posts.postToConnections(connectionIds, data, options),
      lambda: this.lambda,
      virtual: this.virtual,
      close: () => this.close(),
    };
  }

  private async close(): Promise<void> {
    this.closing = true;
    this.virtualControl?.close();
    // Virtual connections first, a pool at a time: 100,000 $disconnects at once would
    // each hold a store request open together.
    const virtual = this.registry.all().filter((c) => c.virtual && c.state === 'open');
    await pooled(virtual.length, undefined, async (i) => {
      await this.closeVirtual((virtual[i] as Connection).id, CLOSE.goingAway);
    });
    for (const connection of this.registry.all()) {
      this.closeConnection(connection, CLOSE.goingAway);
    }
    // Connections still in $connect finish it, see `closing`, and end too; loop until quiet.
    while (this.lifecycles.size > 0) await Promise.allSettled([...this.lifecycles]);
    this.wss.close();
    this.lambda.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections(); // idle keep-alive sockets from management API clients
    });
  }

  /** Runs `body` as a connection lifecycle that `close()` waits for. */
  private track(body: (done: () => void) => Promise<void>): void {
    let finish = () => {};
    const lifecycle = new Promise<void>((resolve) => {
      finish = resolve;
    });
    this.lifecycles.add(lifecycle);
    void lifecycle.then(() => this.lifecycles.delete(lifecycle));
    body(finish).catch((error: unknown) => {
      this.options.log('connection lifecycle failed', errorFields(error));
      finish();
    });
  }

  // ---- HTTP: the management API, else the fallback -------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const control = this.virtualControl;
    if (control && isVirtualControlPath(req.url)) {
      control
        .handle(req, res)
        .catch((error: unknown) => this.failRequest('virtual connections API request', res, error));
      return;
    }
    const connectionId = connectionIdFromPath(req.url);
    if (connectionId === undefined) {
      const fallback = this.options.httpFallback;
      if (fallback) {
        // A failing fallback must not take the gateway (and every connection) down with it.
        Promise.resolve()
          .then(() => fallback(req, res))
          .catch((error: unknown) => this.failRequest('HTTP fallback', res, error));
      } else {
        req.resume();
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not Found' }));
      }
      return;
    }
    handleManagementRequest(
      req,
      res,
      connectionId,
      this.registry,
      {
        post: (connection, data) => this.post(connection, data),
        delete: (connection) => this.closeConnection(connection, CLOSE.deleted),
        dropped: (connectionId, method) =>
          this.options.log('@connections call dropped: its client hung up', {
            connectionId,
            method,
          }),
      },
      this.limits,
    ).catch((error: unknown) => this.failRequest('management API request', res, error));
  }

  private failRequest(what: string, res: ServerResponse, error: unknown): void {
    this.options.log(`${what} failed`, errorFields(error));
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ message: 'Internal server error' }));
  }

  private post(connection: Connection, data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.write(connection, data, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Sends one text frame; `done` gets an error when the connection is not open or closes. */
  private write(
    connection: Connection,
    data: string | Buffer,
    done: (error?: Error) => void,
  ): void {
    if (connection.state !== 'open') {
      done(new Error('gone'));
      return;
    }
    const inbox = connection.virtual;
    if (inbox) {
      connection.lastActiveAt = Date.now();
      this.virtual.receive(connection, inbox, data);
      done();
      return;
    }
    const socket = connection.socket;
    if (!socket) {
      done(new Error('gone'));
      return;
    }
    socket.send(data, { binary: false }, (error) => {
      if (!error) connection.lastActiveAt = Date.now();
      done(error);
    });
  }

  // ---- Handshake: authorizer, $connect, upgrade ----------------------------------------

  private async onUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    done: () => void,
  ): Promise<void> {
    // Until ws owns the socket nothing else listens for its errors; an unhandled one (a
    // client resetting mid-$connect) would take the process down.
    socket.on('error', (error) => this.options.log('socket error', errorFields(error)));
    if (this.closing) return finishRefused(socket, 503, done);
    if (!isValidUpgrade(req)) return finishRefused(socket, 400, done);

    const now = Date.now();
    const sourceIp = sourceIpOf(req);
    const request = parseHandshake(req, sourceIp, now);
    const connection = this.addConnection(
      now,
      sourceIp,
      req.headers['user-agent'],
      req.headers.host ?? this.hostAndPort(),
    );
    const decision = await this.decideConnect(connection, request, now);
    if (!decision.accept) {
      this.registry.remove(connection.id);
      return finishRefused(socket, decision.status, done, decision.refusal);
    }
    if (this.closing || socket.destroyed) {
      // $connect accepted it but it can no longer open: it still gets its $disconnect.
      refuseHandshake(socket, 503);
      return this.end(
        connection,
        this.closing ? CLOSE.goingAway : { code: 1006, reason: '' },
        done,
      );
    }
    if (decision.protocol !== undefined) this.chosenProtocols.set(req, decision.protocol);
    let upgraded = false;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      upgraded = true;
      this.onOpen(connection, ws, socket, done);
    });
    // ws completes synchronously or not at all (the client already hung up).
    if (!upgraded) await this.end(connection, { code: 1006, reason: '' }, done);
  }

  /** A new connection, registered as connecting: the management API answers 410 for it. */
  private addConnection(
    now: number,
    sourceIp: string,
    userAgent: string | undefined,
    domainName: string,
  ): Connection {
    const connection: Connection = {
      id: (this.options.connectionIdFactory ?? newConnectionId)(),
      connectedAt: now,
      sourceIp,
      userAgent,
      domainName,
      state: 'connecting',
      lastActiveAt: now,
      authorizer: undefined,
      socket: undefined,
      virtual: undefined,
      closeIntent: undefined,
    };
    this.registry.add(connection);
    return connection;
  }

  /** `host:port` as a client without a Host header would have reached the gateway. */
  private hostAndPort(): string {
    return `${this.options.host}:${String(this.boundPort || this.options.port)}`;
  }

  private async decideConnect(
    connection: Connection,
    request: HandshakeRequest,
    now: number,
  ): Promise<ConnectDecision> {
    const requestId = newGatewayId();
    const { authorizer, identitySource, log } = this.options;
    if (authorizer) {
      if (!hasIdentitySources(identitySource, request)) {
        log('authorizer identity source missing: 401', { connectionId: connection.id });
        return {
          accept: false,
          status: 401,
          refusal: `missing_token: no ${identitySource.join(', ')}`,
        };
      }
      const methodArn = connectMethodArn(this.api, LOCAL_REGION, LOCAL_ACCOUNT_ID);
      const event = buildAuthorizerEvent(this.api, connection, request, requestId, now, methodArn);
      const outcome = await runAuthorizer(
        (input) => this.lambda.invoke('authorizer', authorizer, input),
        event,
      );
      if (!outcome.allowed) {
        const fields = { connectionId: connection.id, status: outcome.status };
        log('authorizer refused the connection', {
          ...fields,
          ...(outcome.error === undefined ? {} : failureFields(outcome.error)),
        });
        return {
          accept: false,
          status: outcome.status,
          ...(outcome.refusal === undefined ? {} : { refusal: outcome.refusal }),
        };
      }
      connection.authorizer = outcome.context;
    }

    const handler = this.options.routes.$connect;
    if (!handler) return { accept: true, protocol: undefined };
    const event = buildConnectEvent(this.api, connection, request, requestId, now);
    try {
      // A failed invocation, a timed-out one included, refuses the handshake.
      const result = await this.lambda.invoke('$connect', handler, event);
      const status = result?.statusCode;
      if (typeof status !== 'number' || status < 200 || status > 299) {
        log('$connect refused the connection', { connectionId: connection.id, status });
        return { accept: false, status: typeof status === 'number' ? status : 500 };
      }
      return { accept: true, protocol: headerValue(result.headers, 'sec-websocket-protocol') };
    } catch (error) {
      log(`${failure('$connect', error)}: 500`, {
        connectionId: connection.id,
        ...failureFields(error),
      });
      return { accept: false, status: 500 };
    }
  }

  // ---- An open connection ---------------------------------------------------------------

  private onOpen(connection: Connection, ws: WebSocket, socket: Duplex, done: () => void): void {
    connection.socket = ws;
    connection.state = 'open';
    const { idleTimeoutMs, maxConnectionMs } = this.options;
    const idle = setTimeout(() => this.closeConnection(connection, CLOSE.goingAway), idleTimeoutMs);
    const max = setTimeout(
      () => this.closeConnection(connection, CLOSE.goingAway),
      maxConnectionMs,
    );

    // Read raw bytes ahead of ws (prepend) so a frame over the limit is caught at its header,
    // before ws has assembled and delivered it.
    const meter = new FrameMeter();
    socket.prependListener('data', (chunk: Buffer) => {
      if (connection.state !== 'open') return;
      connection.lastActiveAt = Date.now();
      idle.refresh(); // any client frame, control frames included, counts as activity
      const violation = meter.push(chunk);
      if (violation) this.closeConnection(connection, VIOLATION_CLOSE[violation]);
    });

    ws.on('message', (data, isBinary) => {
      if (connection.state !== 'open') return; // closing: drop what is still in flight
      if (isBinary) return this.closeConnection(connection, CLOSE.binary);
      void this.dispatch(connection, rawDataToString(data));
    });
    ws.on('error', (error) => {
      this.options.log('websocket error', { connectionId: connection.id, ...errorFields(error) });
    });
    ws.on('close', (code, reason) => {
      clearTimeout(idle);
      clearTimeout(max);
      const text = reason.toString('utf8');
      const intent = connection.closeIntent ?? {
        code,
        reason: text || (DEFAULT_CLOSE_REASONS[code] ?? ''),
      };
      void this.end(connection, intent, done);
    });
  }

  /** Starts a server-side close; the first reason given is the one $disconnect reports. */
  private closeConnection(connection: Connection, intent: CloseIntent): void {
    if (connection.state !== 'open') return;
    if (connection.virtual) {
      void this.closeVirtual(connection.id, intent);
      return;
    }
    if (!connection.socket) return;
    connection.state = 'closing';
    connection.closeIntent = intent;
    connection.socket.close(intent.code, intent.reason);
  }

  /** Runs the frame's route; resolves once its invocation has ended, whatever the outcome. */
  private dispatch(connection: Connection, body: string): Promise<void> {
    const routeKey = selectRoute(body, this.routeKeys);
    const handler: WebSocketHandler | undefined =
      routeKey === undefined ? undefined : this.options.routes[routeKey];
    if (routeKey === undefined || !handler) {
      this.sendFrame(connection, gatewayErrorFrame('Forbidden', connection.id, newGatewayId()));
      return Promise.resolve();
    }
    const event = buildMessageEvent(this.api, connection, routeKey, body, Date.now());
    // No route responses are configured, so what a MESSAGE handler returns goes nowhere, as
    // on AWS; only a failure (a throw, or the timeout) is visible to the client.
    return this.lambda.invoke(routeKey, handler, event).then(
      () => undefined,
      (error: unknown) => {
        this.options.log(failure(routeKey, error), {
          connectionId: connection.id,
          ...failureFields(error),
        });
        const frame = gatewayErrorFrame(
          'Internal server error',
          connection.id,
          event.requestContext.requestId,
        );
        this.sendFrame(connection, frame);
      },
    );
  }

  /** A frame from the gateway itself (an error), written straight to the connection. */
  private sendFrame(connection: Connection, frame: string): void {
    this.write(connection, frame, (error) => {
      if (error && connection.state === 'open') {
        this.options.log('send failed', { connectionId: connection.id, error: error.message });
      }
    });
  }

  // ---- Virtual connections --------------------------------------------------------------

  /** A socketless connection through the same authorizer and $connect as an upgrade. */
  private openVirtual(
    token: string | undefined,
  ): Promise<{ connectionId: string } | { status: number }> {
    return new Promise((resolve) => {
      this.track(async (done) => {
        if (this.closing) {
          resolve({ status: 503 });
          return done();
        }
        const now = Date.now();
        const domainName = this.hostAndPort();
        const connection = this.addConnection(now, '127.0.0.1', VIRTUAL_USER_AGENT, domainName);
        const request = virtualHandshake(domainName, token, VIRTUAL_USER_AGENT, now);
        const decision = await this.decideConnect(connection, request, now).catch(() => ({
          accept: false as const,
          status: 500,
        }));
        if (!decision.accept) {
          this.registry.remove(connection.id);
          resolve({ status: decision.status });
          return done();
        }
        if (this.closing) {
          resolve({ status: 503 });
          return this.end(connection, CLOSE.goingAway, done);
        }
        const inbox: VirtualInbox = { received: 0, done };
        connection.virtual = inbox;
        connection.state = 'open';
        resolve({ connectionId: connection.id });
      });
    });
  }

  /** A frame from a virtual connection, under a client's frame limit; false if not open. */
  private async sendVirtual(connectionId: string, frame: string): Promise<boolean> {
    const connection = this.registry.getOpen(connectionId);
    if (!connection?.virtual) return false;
    connection.lastActiveAt = Date.now();
    // Sent unfragmented, so one frame: over 32 KB a client's connection is closed (1009).
    if (Buffer.byteLength(frame) > MAX_FRAME_BYTES) {
      await this.closeVirtual(connectionId, CLOSE.frameTooBig);
      return true;
    }
    await this.dispatch(connection, frame);
    return true;
  }

  /** Closes a virtual connection; resolves once its $disconnect has run. False if not open. */
  private async closeVirtual(connectionId: string, intent: CloseIntent): Promise<boolean> {
    const connection = this.registry.getOpen(connectionId);
    const inbox = connection?.virtual;
    if (!connection || !inbox) return false;
    connection.state = 'closing';
    connection.closeIntent = intent;
    await this.end(connection, intent, inbox.done);
    return true;
  }

  /** The connection is gone: forget it, run $disconnect (best effort), end its lifecycle. */
  private async end(connection: Connection, intent: CloseIntent, done: () => void): Promise<void> {
    connection.state = 'closed';
    this.registry.remove(connection.id);
    const handler = this.options.routes.$disconnect;
    try {
      if (handler) {
        const event = buildDisconnectEvent(this.api, connection, intent, Date.now());
        await this.lambda.invoke('$disconnect', handler, event);
      }
    } catch (error) {
      // As on AWS, a failed (or timed-out) $disconnect is only logged: the connection is gone.
      this.options.log(failure('$disconnect', error), {
        connectionId: connection.id,
        ...failureFields(error),
      });
    } finally {
      done();
    }
  }
}

function finishRefused(socket: Duplex, status: number, done: () => void, refusal?: string): void {
  refuseHandshake(socket, status, refusal);
  done();
}

function headerValue(
  headers: Record<string, string> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  return new LocalGateway(options).listen();
}
