import type { Caller } from '../message.js';
import type { ChatDeps } from '../ports.js';
import type { ReplyFrame } from '../server-frames.js';

/** Sends a reply to the caller; adds the request's `requestId`. */
export type Reply = (frame: ReplyFrame) => Promise<void>;

/**
 * One action of the chat core: everything it needs arrives as arguments. `admitted` is the
 * rate limiter's answer (core/rate-limits.ts), passed only to an action whose route lets it
 * await the answer itself (see runtime/message-route.ts); it rejects with `rate_limited`.
 */
export type ActionHandler<R> = (
  deps: ChatDeps,
  caller: Caller,
  request: R,
  reply: Reply,
  admitted?: Promise<void>,
) => Promise<void>;
