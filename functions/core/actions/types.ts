import type { Caller } from '../message.js';
import type { ChatDeps } from '../ports.js';
import type { ReplyFrame } from '../server-frames.js';

/** Sends a reply to the caller; adds the request's `requestId`. */
export type Reply = (frame: ReplyFrame) => Promise<void>;

/** One action of the chat core: everything it needs arrives as arguments. */
export type ActionHandler<R> = (
  deps: ChatDeps,
  caller: Caller,
  request: R,
  reply: Reply,
) => Promise<void>;
