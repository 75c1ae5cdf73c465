/**
 * Cutting a history page to fit one frame. A page of `limit` messages can weigh far more
 * than API Gateway's 128 KB (100 messages of 4,000 CJK characters are 1.2 MB), so the reply
 * keeps as many messages as fit, from the end the client reads from, and says `hasMore` in
 * the direction it cut: the client asks again from the last message it got, as it would
 * after a page cut by `limit`.
 */
import { jsonBytes } from './json-bytes.js';
import type { HistoryQuery } from './ports.js';
import { REPLY_BUDGET_BYTES } from './reply-budget.js';
import type { RoomHistoryFrame } from './server-frames.js';

/**
 * Which end of a page to keep: the newest for the newest page and `before` (the client
 * scrolls back with `before` = the first seq it got), the oldest for `after`/`since` (it
 * goes on with `after` = the last seq it got).
 */
export type PageEnd = 'newest' | 'oldest';

export function pageEndFor(query: Pick<HistoryQuery, 'after'>): PageEnd {
  return query.after === undefined ? 'newest' : 'oldest';
}

/**
 * The frame with as many of its messages as fit in `maxBytes` of UTF-8 JSON, counted on the
 * whole frame, keeping `keep`'s end; `hasMore` is true when any were cut. Always keeps one
 * message when there is one (`MAX_MESSAGE_CHARS_CEILING` makes sure it fits). Each message
 * is measured once, and only until the budget runs out: O(page), no serialisation.
 */
export function fitHistoryFrame(
  frame: RoomHistoryFrame,
  keep: PageEnd,
  maxBytes: number = REPLY_BUDGET_BYTES,
): RoomHistoryFrame {
  const { messages } = frame;
  // `"messages":[]` is in the envelope; each message adds its own bytes and, after the
  // first, a comma.
  let bytes = jsonBytes({ ...frame, messages: [] });
  let kept = 0;
  for (; kept < messages.length; kept++) {
    const message = keep === 'newest' ? messages[messages.length - 1 - kept] : messages[kept];
    bytes += jsonBytes(message) + (kept > 0 ? 1 : 0);
    if (bytes > maxBytes && kept > 0) break;
  }
  if (kept === messages.length) return frame;
  return {
    ...frame,
    messages: keep === 'newest' ? messages.slice(messages.length - kept) : messages.slice(0, kept),
    hasMore: true,
  };
}
