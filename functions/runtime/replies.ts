/**
 * Replies to the connection an event came from: any frame, or an error turned into the
 * client's `error` frame. Needs only a sender, so it works with or without the runtime.
 */
import type { ChatError } from '../core/errors.js';
import { StoreUnavailableError, toClientError } from '../core/errors.js';
import { serializeFrame } from '../core/frame-format.js';
import type { ChatDeps } from '../core/ports.js';
import { type ReplyFrame, withRequestId } from '../core/server-frames.js';
import type { WebSocketEvent } from '../shared/apigw-events.js';
import { isThrottled } from '../stores/management-api/sender.js';
import { formatOfEvent } from './caller.js';
import { logger } from './logger.js';

/** What replying needs: the runtime's dependencies, or a sender alone. */
export type Replier = Pick<ChatDeps, 'sender'>;

/**
 * Waits before each new try of a reply the account's shared quota refused (429): the
 * caller is waiting for it, and a throttled post usually passes a few hundred
 * milliseconds later. A reply that timed out is not tried again here: the SDK already
 * tried it twice, and more tries would outlast the route's timeout.
 */
const REPLY_RETRY_WAITS_MS = [100, 300, 900];

/**
 * Sends a frame to the event's own connection, in its format (compact when its handshake
 * asked); false when it is gone (not an error). A
 * post the quota refused is tried again (for up to 1.3 s), then the refusal is thrown.
 */
export async function replyTo(
  deps: Replier,
  event: WebSocketEvent,
  frame: ReplyFrame,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<boolean> {
  const data = serializeFrame(frame, formatOfEvent(event));
  for (let attempt = 0; ; attempt++) {
    try {
      return await deps.sender.send(event.requestContext.connectionId, data);
    } catch (error) {
      const wait = REPLY_RETRY_WAITS_MS[attempt];
      const throttled = error instanceof StoreUnavailableError && isThrottled(error.cause);
      if (wait === undefined || !throttled) throw error;
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
