/**
 * Parley on the local gateway: the real Lambda entries behind the API Gateway emulator.
 * The stores must already be configured in the environment (DATABASE_URL, REDIS_URL or
 * PARLEY_CACHE=memory, DYNAMODB_ENDPOINT, JWT_SECRET); the dev runner and the end-to-end
 * tests do that, then call this.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resetRuntime } from '../functions/runtime/deps.js';
import { type Gateway, type GatewayLog, startGateway } from './gateway/index.js';
import { loadHandlers } from './handlers.js';

export interface ParleyServerOptions {
  port: number;
  host?: string;
  idleTimeoutMs?: number;
  maxConnectionMs?: number;
  log?: GatewayLog;
  httpFallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

export interface ParleyServer {
  gateway: Gateway;
  /** Closes every connection ($disconnect runs for each), then the handlers' clients. */
  close(): Promise<void>;
}

export async function startParleyServer(options: ParleyServerOptions): Promise<ParleyServer> {
  const { authorizer, routes } = await loadHandlers();
  const gateway = await startGateway({ ...options, authorizer, routes });
  // The handlers post replies and fan-out through this gateway's @connections API.
  process.env.CALLBACK_URL = gateway.callbackUrl;
  return {
    gateway,
    async close() {
      await gateway.close();
      await resetRuntime();
    },
  };
}
