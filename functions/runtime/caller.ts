/**
 * Who sent an event: the user id (and frame format) the $connect authorizer bound to the
 * connection (API Gateway repeats its context on every event), else the connection record, which never
 * changes for the connection's life and so is safe to keep in memory. Never a frame field.
 */
import { ChatError } from '../core/errors.js';
import { type FrameFormat, formatField, formatOf } from '../core/frame-format.js';
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
  const knownUsers = new Map<string, Caller>();
  return async (deps, event) => {
    const { connectionId, authorizer } = event.requestContext;
    const fromAuthorizer = authorizer?.userId;
    if (typeof fromAuthorizer === 'string' && fromAuthorizer) {
      return { connectionId, userId: fromAuthorizer, ...formatField(formatOfEvent(event)) };
    }
    let known = knownUsers.get(connectionId);
    if (!known) {
      const record = await deps.connections.getConnection(connectionId);
      if (!record?.userId) {
        throw new ChatError('unauthorized', 'This connection has no authenticated user');
      }
      known = { connectionId, userId: record.userId, ...formatField(formatOf(record)) };
      if (knownUsers.size >= KNOWN_USERS_MAX) knownUsers.clear();
      knownUsers.set(connectionId, known);
    }
    return { ...known };
  };
}

/**
 * The frame format of the event's connection, as the authorizer bound it at $connect
 * (`format` in its context, repeated on every event). Replies use it.
 */
export function formatOfEvent(event: WebSocketEvent): FrameFormat {
  return event.requestContext.authorizer?.format === 'compact' ? 'compact' : 'long';
}

/** The Management API endpoint of the API that sent this event. */
export function callbackUrlOf(event: WebSocketEvent): string {
  const { domainName, stage } = event.requestContext;
  return `https://${domainName}/${stage}`;
}
