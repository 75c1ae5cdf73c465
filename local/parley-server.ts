/**
 * Parley on the local gateway: the real Lambda entries behind the API Gateway emulator.
 * The stores must already be configured in the environment (DATABASE_URL, REDIS_URL or
 * PARLEY_CACHE=memory, DYNAMODB_ENDPOINT, JWT_SECRET); the dev runner and the end-to-end
 * tests do that, then call this.
 */
import { FANOUT_WORKER } from '../functions/fanout-settings.js';
import { resetRuntime } from '../functions/runtime/deps.js';
import { useInProcessSender } from '../functions/runtime/senders.js';
import { directSender } from './direct-sender.js';
import { type Gateway, type GatewayLog, type HttpFallback, startGateway } from './gateway/index.js';
import { createLambdaContext } from './gateway/lambda-context.js';
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
  const gateway = await startGateway({ ...options, httpFallback, authorizer, routes });
  const log = options.log ?? ((message, fields) => console.log(`[queue] ${message}`, fields ?? ''));
  queues = startFanoutQueues({
    endpoint: gateway.callbackUrl,
    invoke: (event) => fanoutWorker(event, createLambdaContext(FANOUT_WORKER.entry)),
    log,
    ...options.queue,
  });
  // With the SDK sender, handlers post through this gateway's @connections API.
  process.env.CALLBACK_URL = gateway.callbackUrl;
  // The handlers queue big fan-outs through the real SQS client, to this gateway.
  process.env.SQS_ENDPOINT = gateway.callbackUrl;
  process.env.FANOUT_QUEUE_URL = queues.queueUrl;
  process.env.FANOUT_DEAD_LETTER_QUEUE_URL = queues.deadLetterQueueUrl;
  // This one process stands in for every Lambda container API Gateway would run at once,
  // each with a connection of its own on AWS, so the handlers' shared pool is sized for
  // ten concurrent invocations rather than one container's five. Measured with 1,000
  // clients offering 3,000 msg/s: 24,000-25,000 of 30,000 sends acked with 5 connections,
  // the rest `unavailable` after waiting for one; 28,500-29,400 with 10.
  process.env.PG_POOL_MAX ??= '10';
  const sender = options.sender ?? (process.env.PARLEY_LOCAL_SENDER === 'sdk' ? 'sdk' : 'direct');
  useInProcessSender(sender === 'direct' ? directSender(gateway) : undefined);
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
