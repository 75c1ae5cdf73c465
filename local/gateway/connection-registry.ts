/**
 * Every connection the gateway knows, from the start of its $connect until its socket closes.
 *
 * The record is what API Gateway keeps per connection: when it connected (the same
 * `connectedAt` on every event), who it is (source IP, user agent), what the authorizer said
 * (`requestContext.authorizer` on every later event), and when it was last active
 * (GetConnection's `lastActiveAt`).
 */
import type { WebSocket } from 'ws';
import type { AuthorizerContext } from '../../functions/shared/apigw-events.js';
import type { VirtualInbox } from './virtual-connections.js';

/**
 * - `connecting`: the authorizer or $connect is running; the management API answers 410 as
 *   AWS does, because the connection does not exist for it yet.
 * - `open`: frames flow both ways.
 * - `closing`: the gateway has started closing it; frames from the client are dropped and
 *   the management API answers 410.
 * - `closed`: the socket is gone; the record is removed.
 */
export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

export interface CloseIntent {
  code: number;
  reason: string;
}

export interface Connection {
  readonly id: string;
  readonly connectedAt: number;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  /** The upgrade request's Host header: API Gateway's `domainName`. */
  readonly domainName: string;
  state: ConnectionState;
  lastActiveAt: number;
  authorizer: AuthorizerContext | undefined;
  socket: WebSocket | undefined;
  /** Set on a virtual connection (no socket): it counts what it receives instead. */
  virtual: VirtualInbox | undefined;
  /** Why the gateway closed it, when the gateway did: becomes the $disconnect status and reason. */
  closeIntent: CloseIntent | undefined;
}

export class ConnectionRegistry {
  private readonly connections = new Map<string, Connection>();

  add(connection: Connection): void {
    this.connections.set(connection.id, connection);
  }

  get(id: string): Connection | undefined {
    return this.connections.get(id);
  }

  /** Only an open connection can be posted to, described or deleted. */
  getOpen(id: string): Connection | undefined {
    const connection = this.connections.get(id);
    return connection?.state === 'open' ? connection : undefined;
  }

  remove(id: string): void {
    this.connections.delete(id);
  }

  all(): Connection[] {
    return [...this.connections.values()];
  }
}
