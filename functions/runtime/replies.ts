/**
 * Replies to the connection an event came from: any frame, or an error turned into the
 * client's `error` frame. Needs only a sender, so it works with or without the runtime.
 */
import type { ChatError } from '../core/errors.js';
import { StoreUnavailableError, toClientError } from '../core/errors.js';
import type { ChatDeps } from '../core/ports.js';
import { type ReplyFrame, withRequestId } from '../core/server-frames.js';
import type { WebSocketEvent } from '../shared/apigw-events.js';
import { logger } from './logger.js';

/** What replying needs: the runtime's dependencies, or a sender alone. */
export type Replier = Pick<ChatDeps, 'sender'>;

/**
 * Waits before each new try of a reply that API Gateway refused for now (throttled by the
 * account's shared quota, timed out): the caller is waiting for it, and a throttled post
 * usually passes a few hundred milliseconds later.
 */
const REPLY_RETRY_WAITS_MS = [100, 300, 900];

/**
 * Sends a frame to the event's own connection; false when it is gone (not an error). A
 * post refused for now is tried again (up to 1.3 s), then the refusal is thrown.
 */
export async function replyTo(
  deps: Replier,
  event: WebSocketEvent,
  frame: ReplyFrame,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<boolean> {
  const data = JSON.stringify(frame);
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.sender.send(event.requestContext.connectionId, data);
    } catch (error) {
      const wait = REPLY_RETRY_WAITS_MS[attempt];
      if (wait === undefined || !(error instanceof StoreUnavailableError)) throw error;
      await sleep(wait);
    }
  }
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
