/**
 * Serving a history page from the cached window of recent messages, when the window
 * can answer it exactly. Pure: given the window and the query, either the page or
 * `undefined` ("ask PostgreSQL"). Because seqs are gap-free from the room's first kept seq
 * (1 until a retention purge raises it), `hasMore` towards the past is simply "the first seq
 * is above the window's `firstSeq`".
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

/** The window's first seq, passed on to the page when the window knows it. */
function known(window: RecentWindow): Pick<HistoryPage, 'firstSeq'> {
  return window.firstSeq === undefined ? {} : { firstSeq: window.firstSeq };
}

function pastPage(messages: Message[], window: RecentWindow): HistoryPage {
  const first = messages[0];
  return {
    messages,
    hasMore: first !== undefined && first.seq > (window.firstSeq ?? 1),
    ...known(window),
  };
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
  const firstSeq = window.firstSeq ?? 1;

  if (query.after !== undefined) {
    // Oldest `limit` after the cursor: the window must start at or before cursor + 1, or
    // at the first seq kept (nothing purged below it can be asked for).
    if (Math.max(query.after + 1, firstSeq) < window.floor) return undefined;
    const newer = window.messages.filter((m) => m.seq > query.after!);
    const messages = newer.slice(0, limit);
    return { messages, hasMore: newer.length > limit, ...known(window) };
  }

  const end = query.before !== undefined ? Math.min(query.before - 1, newest) : newest;
  if (query.before !== undefined && query.before - 1 > newest) return undefined;
  const wantedFrom = Math.max(firstSeq, end - limit + 1);
  if (end >= firstSeq && wantedFrom < window.floor) return undefined;
  return pastPage(
    window.messages.filter((m) => m.seq >= wantedFrom && m.seq <= end),
    window,
  );
}
