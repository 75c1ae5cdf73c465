/**
 * Parley on the local gateway: the real Lambda entries behind the API Gateway emulator,
 * and the fan-out worker behind the emulated SQS queue. The stores must already be
 * configured in the environment (DATABASE_URL, REDIS_URL or PARLEY_CACHE=memory,
 * DYNAMODB_ENDPOINT, JWT_SECRET); the dev runner and the end-to-end tests do that, then
 * call this.
 */
import { FANOUT_WORKER } from '../functions/fanout-settings.js';
import { DEFAULT_POST_CONCURRENCY } from '../functions/runtime/config.js';
import { resetRuntime } from '../functions/runtime/deps.js';
import { useInProcessSender } from '../functions/runtime/senders.js';
import { directSender } from './direct-sender.js';
import {
  type Gateway,
  type GatewayLog,
  type HttpFallback,
  type RuntimeLimits,
  startGateway,
} from './gateway/index.js';
import { loadHandlers } from './handlers.js';
import { type FanoutQueues, type FanoutQueuesOptions, startFanoutQueues } from './queue/index.js';
import { buildWebPage, notFound, type WebPage } from './web-server.js';

export interface ParleyServerOptions {
  port: number;
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
   * AWS. `PARLEY_LOCAL_SENDER` sets the default.
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
  /** Closes every connection ($disconnect runs for each), then the handlers' clients. */
  close(): Promise<void>;
}

export async function startParleyServer(options: ParleyServerOptions): Promise<ParleyServer> {
  const { authorizer, routes, fanoutWorker } = await loadHandlers();
  const web = options.web ? await buildWebPage({ jwtSecret: requireJwtSecret() }) : undefined;
  const fallback = options.httpFallback ?? notFound;
  // Started once the gateway's address is known; requests cannot arrive before that.
  let queues: FanoutQueues | undefined;
  const httpFallback: HttpFallback = (req, res) => {
    if (queues?.handle(req, res)) return;
    if (web?.handle(req, res)) return;
    return fallback(req, res);
  };
  const { virtualConnections, queue, ...gatewayOptions } = options;
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
  queues = startFanoutQueues({
    endpoint: gateway.callbackUrl,
    invoke: (event) =>
      gateway.lambda.invoke(FANOUT_WORKER.entry, fanoutWorker, event, {
        timeoutMs: FANOUT_WORKER.timeoutSeconds * 1000,
      }),
    log,
    ...queue,
  });
  // With the SDK sender, handlers post through this gateway's @connections API.
  process.env.CALLBACK_URL = gateway.callbackUrl;
  // The handlers queue big fan-outs through the real SQS client, to this gateway.
  process.env.SQS_ENDPOINT = gateway.callbackUrl;
  process.env.FANOUT_QUEUE_URL = queues.queueUrl;
  process.env.FANOUT_DEAD_LETTER_QUEUE_URL = queues.deadLetterQueueUrl;
  // This one process stands in for every Lambda container API Gateway would run at once,
  // each with a connection of its own on AWS, so the handlers' shared pool is sized for
  // ten concurrent invocations rather than one container's five: with five, sends under
  // load answered `unavailable` after waiting for a connection
  // (docs/decisions/2026-12-06-dev-server-pool.md).
  process.env.PG_POOL_MAX ??= '10';
  const sender = options.sender ?? (process.env.PARLEY_LOCAL_SENDER === 'sdk' ? 'sdk' : 'direct');
  // Bounded like the SDK sender's pool, which decides how long a fan-out takes once each
  // post has a latency.
  const concurrency = Number(process.env.POST_CONCURRENCY) || DEFAULT_POST_CONCURRENCY;
  useInProcessSender(sender === 'direct' ? directSender(gateway, { concurrency }) : undefined);
  const started = queues;
  return {
    gateway,
    queues: started,
    web,
    async close() {
      await gateway.close();
      await started.close();
      useInProcessSender(undefined);
      await resetRuntime();
    },
  };
}

function requireJwtSecret(): string {
  const secret = process.env.JWT_SECRET;
  if (!secret) throw new Error('The web page signs dev tokens with JWT_SECRET, which is not set');
  return secret;
}
