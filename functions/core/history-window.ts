/**
 * Serving a history page from the cached window of recent messages, when the window
 * can answer it exactly. Pure: given the window and the query, either the page or
 * `undefined` ("ask PostgreSQL"). Because seqs are gap-free from 1, `hasMore` towards
 * the past is simply "the first seq is above 1".
 */
import type { Message } from './message.js';
import type { HistoryPage, HistoryQuery, RecentWindow } from './ports.js';

/** True when the window holds exactly floor, floor+1, ... with no gap. */
export function isContiguous(window: RecentWindow): boolean {
  return window.messages.every((m, i) => m.seq === window.floor + i);
}

function newestSeq(window: RecentWindow): number {
  return window.messages.at(-1)?.seq ?? window.floor - 1;
}

function pastPage(messages: Message[]): HistoryPage {
  const first = messages[0];
  return { messages, hasMore: first !== undefined && first.seq > 1 };
}

/**
 * @param knownLastSeq the room's last seq when the caller knows it (join_room); a window
 *   that has not caught up with it cannot answer.
 */
export function pageFromWindow(
  window: RecentWindow,
  query: HistoryQuery,
  knownLastSeq?: number,
): HistoryPage | undefined {
  if (!isContiguous(window)) return undefined;
  const newest = newestSeq(window);
  if (knownLastSeq !== undefined && newest < knownLastSeq) return undefined;
  const { limit } = query;

  if (query.after !== undefined) {
    // Oldest `limit` after the cursor: the window must start at or before cursor + 1.
    if (query.after + 1 < window.floor) return undefined;
    const newer = window.messages.filter((m) => m.seq > query.after!);
    const messages = newer.slice(0, limit);
    return { messages, hasMore: newer.length > limit };
  }

  const end = query.before !== undefined ? Math.min(query.before - 1, newest) : newest;
  if (query.before !== undefined && query.before - 1 > newest) return undefined;
  const wantedFrom = Math.max(1, end - limit + 1);
  if (end >= 1 && wantedFrom < window.floor) return undefined;
  return pastPage(window.messages.filter((m) => m.seq >= wantedFrom && m.seq <= end));
}
