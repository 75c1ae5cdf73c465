/**
 * What `startGateway` accepts, and the defaults that make it behave like a fresh API Gateway
 * WebSocket stage.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  RequestAuthorizerHandler,
  WebSocketHandler,
} from '../../functions/shared/apigw-events.js';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONNECTION_MS } from './limits.js';

export type GatewayLog = (msg: string, fields?: Record<string, unknown>) => void;

/** May return a promise; the gateway answers 500 if it rejects (or the call throws). */
export type HttpFallback = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface GatewayOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 'local'. The management API accepts paths with or without it. */
  stage?: string;
  /** Default 'local'. */
  apiId?: string;
  /** A REQUEST authorizer that runs before $connect when set. */
  authorizer?: RequestAuthorizerHandler;
  /**
   * The authorizer's identity sources; when one is missing AWS answers 401 without invoking
   * the authorizer. Default `['route.request.querystring.token']`.
   */
  identitySource?: string[];
  /** '$connect', '$disconnect', '$default' and custom route keys such as 'send_message'. */
  routes: Record<string, WebSocketHandler>;
  /** Close after this long without a client frame. Default 10 minutes, as on AWS. */
  idleTimeoutMs?: number;
  /** Close this long after connecting, whatever the traffic. Default 2 hours, as on AWS. */
  maxConnectionMs?: number;
  /** Default: one line per entry on stdout. */
  log?: GatewayLog;
  /**
   * Serves HTTP requests that are not `@connections` calls (the dev server's web page).
   * A throw or a rejection answers 500. Default: 404.
   */
  httpFallback?: HttpFallback;
  /**
   * Makes connection ids; for tests that need ids with `/` or `+` every time. Default: AWS's
   * format, 16 base64 characters.
   */
  connectionIdFactory?: () => string;
}

export interface Gateway {
  /** `ws://host:port`: where clients connect. */
  url: string;
  /** `http://host:port`: the management API endpoint for ApiGatewayManagementApiClient. */
  callbackUrl: string;
  port: number;
  /**
   * What `POST /@connections/{id}` does, without the HTTP round trip, for handlers that run
   * in this process: 'gone' when the connection is not open (the 410 case); throws on a
   * payload over 128 KB (the 413 case).
   */
  postToConnection(connectionId: string, data: string): Promise<'sent' | 'gone'>;
  /**
   * The same post to many connections at once, resolving with those that were gone (or
   * closed under the send) once every send has been written. One promise for the batch
   * rather than one per connection: in a room of thousands those were most of the cost.
   */
  postToConnections(connectionIds: readonly string[], data: Buffer): Promise<{ gone: string[] }>;
  /** Closes every connection with 1001 (awaiting each $disconnect), then the server. */
  close(): Promise<void>;
}

export interface ResolvedOptions {
  port: number;
  host: string;
  stage: string;
  apiId: string;
  authorizer: RequestAuthorizerHandler | undefined;
  identitySource: readonly string[];
  routes: Readonly<Record<string, WebSocketHandler>>;
  idleTimeoutMs: number;
  maxConnectionMs: number;
  log: GatewayLog;
  httpFallback: HttpFallback | undefined;
  connectionIdFactory: (() => string) | undefined;
}

const defaultLog: GatewayLog = (msg, fields) => {
  console.log(fields ? `[gateway] ${msg} ${JSON.stringify(fields)}` : `[gateway] ${msg}`);
};

export function resolveOptions(options: GatewayOptions): ResolvedOptions {
  return {
    port: options.port,
    host: options.host ?? '127.0.0.1',
    stage: options.stage ?? 'local',
    apiId: options.apiId ?? 'local',
    authorizer: options.authorizer,
    identitySource: options.identitySource ?? ['route.request.querystring.token'],
    routes: { ...options.routes },
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxConnectionMs: options.maxConnectionMs ?? DEFAULT_MAX_CONNECTION_MS,
    log: options.log ?? defaultLog,
    httpFallback: options.httpFallback,
    connectionIdFactory: options.connectionIdFactory,
  };
}
