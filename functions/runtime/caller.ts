/**
 * Who sent an event: the user id the $connect authorizer bound to the connection (API
 * Gateway repeats its context on every event), else the connection record, which never
 * changes for the connection's life and so is safe to keep in memory. Never a frame field.
 */
import { ChatError } from '../core/errors.js';
import type { Caller } from '../core/message.js';
import type { ChatDeps } from '../core/ports.js';
import type { WebSocketEvent } from '../shared/apigw-events.js';

const KNOWN_USERS_MAX = 10_000;

export type CallerResolver = (deps: ChatDeps, event: WebSocketEvent) => Promise<Caller>;

/**
 * Finds callers, remembering each connection's user: one memory per handler (per
 * container on Lambda), so two servers in one process never share it.
 */
export function callerResolver(): CallerResolver {
  const knownUsers = new Map<string, string>();
  return async (deps, event) => {
    const { connectionId, authorizer } = event.requestContext;
    const fromAuthorizer = authorizer?.userId;
    if (typeof fromAuthorizer === 'string' && fromAuthorizer) {
      return { connectionId, userId: fromAuthorizer };
    }
    let userId = knownUsers.get(connectionId);
    if (!userId) {
      userId = (await deps.connections.getConnection(connectionId))?.userId;
      if (!userId) throw new ChatError('unauthorized', 'This connection has no authenticated user');
      if (knownUsers.size >= KNOWN_USERS_MAX) knownUsers.clear();
      knownUsers.set(connectionId, userId);
    }
    return { connectionId, userId };
  };
}

/** The Management API endpoint of the API that sent this event. */
export function callbackUrlOf(event: WebSocketEvent): string {
  const { domainName, stage } = event.requestContext;
  return `https://${domainName}/${stage}`;
}
