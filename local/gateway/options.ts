/**
 * What `startGateway` accepts, and the defaults that make it behave like a fresh API Gateway
 * WebSocket stage.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FUNCTION_TIMEOUT_SECONDS } from '../../functions/route-table.js';
import type {
  RequestAuthorizerHandler,
  WebSocketHandler,
} from '../../functions/shared/apigw-events.js';
import type { BatchOptions, BatchResult } from './in-process-posts.js';
import type { LambdaRunner } from './lambda-runner.js';
import type { LatencyRange } from './latency.js';
import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_CONNECTION_MS } from './limits.js';
import type { ThrottleLimits } from './token-bucket.js';
import type { VirtualConnections } from './virtual-connections.js';

export type GatewayLog = (msg: string, fields?: Record<string, unknown>) => void;

/** May return a promise; the gateway answers 500 if it rejects (or the call throws). */
export type HttpFallback = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * AWS's runtime limits, each off unless given (local/aws-limits.ts reads them from the
 * environment, with AWS's numbers under `PARLEY_AWS_LIMITS=1`).
 */
export interface RuntimeLimits {
  /**
   * Added to every `@connections` call, over HTTP and in-process alike: fixed
   * (`minMs === maxMs`) or uniform over the range. AWS: 10-50 ms from a Lambda.
   */
  postLatencyMs?: LatencyRange;
  /**
   * The account's request quota, a token bucket over every `@connections` call (POST, GET,
   * DELETE): over it a call answers 429 `LimitExceededException`. AWS: 10,000/s, burst 5,000.
   */
  accountThrottle?: ThrottleLimits;
  /**
   * When set, every invocation is ended at its function's timeout as Lambda ends it (see
   * `LambdaRunner`): 10 s for route functions and 5 s for the authorizer, as the stack
   * configures them, or `timeoutMs` for those; a function invoked with its own timeout
   * (the fan-out worker) keeps it.
   */
  lambdaTimeouts?: { timeoutMs?: number };
}

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
  /** AWS's limits to enforce. Default: none (see `RuntimeLimits`). */
  limits?: RuntimeLimits;
  /**
   * Where Lambda's own lines go (`{requestId} Task timed out after 10.00 seconds`), apart
   * from the gateway's log so that they show whatever that is set to. Default: stderr.
   */
  platformLog?: (line: string) => void;
  /**
   * Serve the virtual connections' control API (`/@virtual/...`) to loopback clients.
   * Dev only: it lets any local process open connections and send frames. Default false.
   */
  virtualControl?: boolean;
}

export interface Gateway {
  /** `ws://host:port`: where clients connect. */
  url: string;
  /** `http://host:port`: the management API endpoint for ApiGatewayManagementApiClient. */
  callbackUrl: string;
  port: number;
  /**
   * What `POST /@connections/{id}` does, without the HTTP round trip, for handlers that run
   * in this process, under the same limits: 'gone' when the connection is not open (the
   * 410 case); throws errors shaped like the SDK's on a payload over 128 KB
   * (`PayloadTooLargeException`, 413) and when throttled (`LimitExceededException`, 429),
   * and a `LambdaTimeoutError` for a post from an invocation past its timeout.
   */
  postToConnection(connectionId: string, data: string): Promise<'sent' | 'gone'>;
  /**
   * The same post to many connections, each one call under the limits, resolving once every
   * post has completed with those that were gone (or closed under the send) and those the
   * account's quota throttled. One promise for the batch rather than one per connection: in
   * a room of thousands those were most of the cost.
   */
  postToConnections(
    connectionIds: readonly string[],
    data: Buffer,
    options?: BatchOptions,
  ): Promise<BatchResult>;
  /**
   * Runs handlers as Lambda invocations under the gateway's timeouts, for other emulated
   * event sources (a queue's worker functions): see `LambdaRunner.invoke`.
   */
  lambda: LambdaRunner;
  /** Socketless connections that count what they receive: see `VirtualConnections`. */
  virtual: VirtualConnections;
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
  limits: RuntimeLimits;
  platformLog: (line: string) => void;
  virtualControl: boolean;
  /** A function's configured timeout when it is invoked without one. */
  functionTimeoutMs: (functionName: string) => number;
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
    limits: options.limits ?? {},
    platformLog: options.platformLog ?? ((line) => console.error(line)),
    virtualControl: options.virtualControl ?? false,
    functionTimeoutMs: defaultFunctionTimeoutMs,
  };
}

/** The timeouts the stack gives each function (functions/route-table.ts). */
function defaultFunctionTimeoutMs(functionName: string): number {
  const seconds =
    functionName === 'authorizer'
      ? FUNCTION_TIMEOUT_SECONDS.authorizer
      : FUNCTION_TIMEOUT_SECONDS.route;
  return seconds * 1000;
}
