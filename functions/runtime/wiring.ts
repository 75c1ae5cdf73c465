/**
 * What a handler reaches the world through, handed to its factory (`makeXHandler(wiring)`)
 * rather than read from module state, as Hono's `handle(app, options)` takes what it needs.
 * On Lambda each entry file binds the container's defaults (lambda-wiring.ts and its
 * siblings); the local server binds its own (local/handlers.ts), so one process can hold
 * several servers. Each factory asks only for the parts it uses, which keeps each entry's
 * bundle to what its route needs.
 */
import type { TokenVerifier } from '../auth/verify-token.js';
import type { ConnectionSender, ConnectionStore } from '../core/ports.js';
import type { Runtime } from './deps.js';

export interface HandlerWiring {
  /** The stores, made on first use; rejects when they cannot be (configuration, a secret). */
  runtime(): Promise<Runtime>;
  /** $connect's store: the connections table alone, so that route needs no runtime. */
  connectionStore(): ConnectionStore;
  /** The cap $connect holds each user to (core/connection-cap.ts), from the same config. */
  maxConnectionsPerUser(): number;
  /**
   * Replies that need no runtime: $default's, and telling a client why its request failed
   * when the runtime could not be made. Takes the event's callback URL.
   */
  replySender(callbackUrl: string): ConnectionSender;
  /** The authorizer's token check, loaded on first use. */
  verifier(): Promise<TokenVerifier>;
}
