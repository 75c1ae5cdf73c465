/**
 * Replies to the connection an event came from: any frame, or an error turned into the
 * client's `error` frame. Needs only a sender, so it works with or without the runtime.
 */
import type { ChatError } from '../core/errors.js';
import { toClientError } from '../core/errors.js';
import type { ChatDeps } from '../core/ports.js';
import { type ReplyFrame, withRequestId } from '../core/server-frames.js';
import type { WebSocketEvent } from '../shared/apigw-events.js';
import { logger } from './logger.js';

/** What replying needs: the runtime's dependencies, or a sender alone. */
export type Replier = Pick<ChatDeps, 'sender'>;

/** Sends a frame to the event's own connection; false when it is gone (not an error). */
export function replyTo(deps: Replier, event: WebSocketEvent, frame: ReplyFrame): Promise<boolean> {
  return deps.sender.send(event.requestContext.connectionId, JSON.stringify(frame));
}

export async function replyError(
  deps: Replier,
  event: WebSocketEvent,
  error: unknown,
  requestId: string | undefined,
  options: { logged?: boolean } = {},
): Promise<void> {
  const clientError: ChatError = toClientError(error);
  if (clientError.code === 'internal' && !options.logged) {
    logger.error('request failed', { error: error instanceof Error ? error : String(error) });
  }
  const frame = withRequestId({ type: 'error' as const, ...clientError.toJSON() }, requestId);
  await replyTo(deps, event, frame).catch((e: unknown) =>
    logger.warn('could not send an error reply', { error: String(e) }),
  );
}
