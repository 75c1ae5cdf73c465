/**
 * Parley on the local gateway: the real Lambda entries behind the API Gateway emulator.
 * The stores must already be configured in the environment (DATABASE_URL, REDIS_URL or
 * PARLEY_CACHE=memory, DYNAMODB_ENDPOINT, JWT_SECRET); the dev runner and the end-to-end
 * tests do that, then call this.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resetRuntime, useInProcessSender } from '../functions/runtime/deps.js';
import { directSender } from './direct-sender.js';
import { type Gateway, type GatewayLog, startGateway } from './gateway/index.js';
import { loadHandlers } from './handlers.js';

export interface ParleyServerOptions {
  port: number;
  host?: string;
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  log?: GatewayLog;
  httpFallback?: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * How handlers reach connections: `direct` (default) calls the gateway in-process,
   * `sdk` posts through the real ApiGatewayManagementApiClient to `/@connections`, as on
   * AWS. `PARLEY_LOCAL_SENDER` sets the default.
   */
  sender?: 'direct' | 'sdk';
}

export interface ParleyServer {
  gateway: Gateway;
  /** Closes every connection ($disconnect runs for each), then the handlers' clients. */
  close(): Promise<void>;
}

export async function startParleyServer(options: ParleyServerOptions): Promise<ParleyServer> {
  const { authorizer, routes } = await loadHandlers();
  const gateway = await startGateway({ ...options, authorizer, routes });
  // With the SDK sender, handlers post through this gateway's @connections API.
  process.env.CALLBACK_URL = gateway.callbackUrl;
  const sender = options.sender ?? (process.env.PARLEY_LOCAL_SENDER === 'sdk' ? 'sdk' : 'direct');
  useInProcessSender(sender === 'direct' ? directSender(gateway) : undefined);
  return {
    gateway,
    async close() {
      await gateway.close();
      useInProcessSender(undefined);
      await resetRuntime();
    },
  };
}
