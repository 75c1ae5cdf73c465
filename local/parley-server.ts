/**
 * Parley on the local gateway: the Lambda entries' handlers behind the API Gateway
 * emulator, and the fan-out worker behind the emulated SQS queue, all given this server's
 * own runtime. The stores are named in `env` (DATABASE_URL, REDIS_URL or
 * PARLEY_CACHE=memory, DYNAMODB_ENDPOINT, JWT_SECRET): the dev runner and the tests build
 * it. The server writes nothing to `process.env` and takes its settings from `env` alone,
 * so one process can run several.
 */
import { FANOUT_WORKER } from '../functions/fanout-settings.js';
import { DEFAULT_POST_CONCURRENCY } from '../functions/runtime/config.js';
import type { HandlerWiring } from '../functions/runtime/wiring.js';
import { directSender } from './direct-sender.js';
import {
  type Gateway,
  type GatewayLog,
  type HttpFallback,
  type RuntimeLimits,
  startGateway,
} from './gateway/index.js';
import { buildHandlers } from './handlers.js';
import { type FanoutQueues, type FanoutQueuesOptions, startFanoutQueues } from './queue/index.js';
import { type ParleyEnv, serverWiring } from './server-wiring.js';
import { buildWebPage, notFound, storageOrigins, type WebPage } from './web-server.js';

export type { ParleyEnv };

export interface ParleyServerOptions {
  port: number;
  /**
   * The handlers' settings, in the variables a Lambda would get: the stores
   * (DATABASE_URL, REDIS_URL or PARLEY_CACHE=memory, REDIS_KEY_PREFIX, DYNAMODB_ENDPOINT,
   * CONNECTIONS_TABLE), JWT_SECRET, the limits. The queue and callback variables are the
   * server's own. Read when the first request needs them, as on Lambda.
   */
  env: ParleyEnv;
  /**
   * Where the handlers post (`@connections`): this gateway's own by default; the fault
   * suite puts a proxy in between.
   */
  callbackUrl?: string;
  host?: string;
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  log?: GatewayLog;
  /** HTTP requests that are neither `@connections` calls nor (with `web`) the page's. */
  httpFallback?: HttpFallback;
  /**
   * Serve the chat page (web/) on the same port, with its dev-only `/dev-token` endpoint
   * that signs tokens with `JWT_SECRET` for any name: for the dev server and tests only.
   */
  web?: boolean;
  /**
   * How handlers reach connections: `direct` (default) calls the gateway in-process,
   * `sdk` posts through the real ApiGatewayManagementApiClient to `/@connections`, as on
   * AWS. `PARLEY_LOCAL_SENDER` in `env` sets the default.
   */
  sender?: 'direct' | 'sdk';
  /** The fan-out queue's settings; tests shorten them (defaults: the stack's). */
  queue?: Partial<Omit<FanoutQueuesOptions, 'endpoint' | 'invoke' | 'log'>>;
  /** AWS's limits for the gateway to enforce (local/aws-limits.ts). Default: none. */
  limits?: RuntimeLimits;
  /** Where Lambda's own lines go (`Task timed out`). Default: stderr. */
  platformLog?: (line: string) => void;
  /**
   * Serve the virtual connections' control API (`/@virtual/...`) to loopback clients:
   * dev only, for benchmarks that drive the dev server from another process.
   */
  virtualConnections?: boolean;
}

export interface ParleyServer {
  gateway: Gateway;
  /** The emulated fan-out queue, its dead-letter queue and the worker's event source. */
  queues: FanoutQueues;
  /** The chat page, when `web` was set. */
  web: WebPage | undefined;
  /**
   * Closes every connection ($disconnect runs for each), then the clients this server's
   * handlers made, and nothing else.
   */
  close(): Promise<void>;
}

export async function startParleyServer(options: ParleyServerOptions): Promise<ParleyServer> {
  const { env } = options;
  // The page PUTs uploads to, and shows images from, the storage the handlers sign for: a
  // CSP without that origin makes the browser block both.
  const web = options.web
    ? await buildWebPage({
        jwtSecret: requireJwtSecret(env),
        storageOrigins: storageOrigins(env.S3_ENDPOINT),
      })
    : undefined;
  const fallback = options.httpFallback ?? notFound;
  // Known once the gateway listens (the wiring needs its address); requests cannot arrive
  // before that.
  let queues: FanoutQueues | undefined;
  let wiring: HandlerWiring | undefined;
  const started = () => {
    if (!wiring) throw new Error('a handler ran before the server finished starting');
    return wiring;
  };
  const httpFallback: HttpFallback = (req, res) => {
    if (queues?.handle(req, res)) return;
    if (web?.handle(req, res)) return;
    return fallback(req, res);
  };
  const { authorizer, routes, fanoutWorker } = buildHandlers({
    runtime: () => started().runtime(),
    connectionStore: () => started().connectionStore(),
    maxConnectionsPerUser: () => started().maxConnectionsPerUser(),
    replySender: (callbackUrl) => started().replySender(callbackUrl),
    verifier: () => started().verifier(),
  });
  const {
    virtualConnections,
    queue,
    env: _env,
    callbackUrl: _callbackUrl,
    ...gatewayOptions
  } = options;
  const gateway = await startGateway({
    ...gatewayOptions,
    httpFallback,
    authorizer,
    routes,
    virtualControl: virtualConnections ?? false,
  });
  const log = options.log ?? ((message, fields) => console.log(`[queue] ${message}`, fields ?? ''));
  // The worker runs as a Lambda with the stack's timeout, under the gateway's rules: past
  // it the invocation fails and what it would still post is not delivered.
  const fanoutQueues = startFanoutQueues({
    endpoint: gateway.callbackUrl,
    invoke: (event) =>
      gateway.lambda.invoke(FANOUT_WORKER.entry, fanoutWorker, event, {
        timeoutMs: FANOUT_WORKER.timeoutSeconds * 1000,
      }),
    log,
    ...queue,
  });
  queues = fanoutQueues;
  const handlerEnv: ParleyEnv = {
    ...env,
    // With the SDK sender, handlers post through this gateway's @connections API.
    CALLBACK_URL: options.callbackUrl ?? gateway.callbackUrl,
    // The handlers queue big fan-outs through the real SQS client, to this gateway.
    SQS_ENDPOINT: gateway.callbackUrl,
    FANOUT_QUEUE_URL: fanoutQueues.queueUrl,
    FANOUT_DEAD_LETTER_QUEUE_URL: fanoutQueues.deadLetterQueueUrl,
    // This one process stands in for every Lambda container API Gateway would run at once,
    // each with a connection of its own on AWS, so the handlers' shared pool is sized for
    // ten concurrent invocations rather than one container's five: with five, sends under
    // load answered `unavailable` after waiting for a connection
    // (docs/decisions/2026-12-06-dev-server-pool.md).
    PG_POOL_MAX: env.PG_POOL_MAX ?? '10',
  };
  const senderKind = options.sender ?? (env.PARLEY_LOCAL_SENDER === 'sdk' ? 'sdk' : 'direct');
  // Bounded like the SDK sender's pool, which decides how long a fan-out takes once each
  // post has a latency.
  const concurrency = Number(env.POST_CONCURRENCY) || DEFAULT_POST_CONCURRENCY;
  const direct = senderKind === 'direct' ? directSender(gateway, { concurrency }) : undefined;
  const own = serverWiring({ env: handlerEnv, direct });
  wiring = own.wiring;
  // Once, however often it is called (a test that restarted a server closes both).
  let closing: Promise<void> | undefined;
  const close = async () => {
    await gateway.close();
    await fanoutQueues.close();
    await own.close();
  };
  return {
    gateway,
    queues: fanoutQueues,
    web,
    close: () => {
      closing ??= close();
      return closing;
    },
  };
}

function requireJwtSecret(env: ParleyEnv): string {
  const secret = env.JWT_SECRET;
  if (!secret) throw new Error('The web page signs dev tokens with JWT_SECRET, which is not set');
  return secret;
}
