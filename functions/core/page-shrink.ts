/**
 * Pages of rooms and members must fit one reply (128 KB). The store's cursor can only
 * resume where the store stopped, so a page too heavy is asked for again, shorter: a room
 * list's last messages (4,000 characters each at most) can make 100 rooms weigh megabytes,
 * while a normal page is a few kilobytes and never pays for the second read.
 */
import { jsonBytes } from './json-bytes.js';
import { REPLY_BUDGET_BYTES } from './reply-budget.js';

/**
 * Reads a page with `read(limit)`; while the frame `frameOf` makes of it is over the reply
 * budget, reads again with as many items as fitted (at least one: a single item always
 * fits, by the limits on what it can carry).
 */
export async function fittedPage<P extends { cursor?: string }, F>(
  limit: number,
  read: (limit: number) => Promise<P>,
  items: (page: P) => readonly unknown[],
  frameOf: (page: P) => F,
): Promise<F> {
  let page = await read(limit);
  for (;;) {
    const frame = frameOf(page);
    const bytes = jsonBytes(frame);
    const list = items(page);
    if (bytes <= REPLY_BUDGET_BYTES || list.length <= 1) return frame;
    // How many of this page's items fit beside the frame's other fields.
    const envelope = bytes - list.reduce<number>((sum, item) => sum + jsonBytes(item) + 1, 0);
    let fits = 0;
    let used = envelope;
    for (const item of list) {
      used += jsonBytes(item) + 1;
      if (used > REPLY_BUDGET_BYTES) break;
      fits++;
    }
    page = await read(Math.max(1, Math.min(fits, list.length - 1)));
  }
}
