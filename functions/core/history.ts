/** History reads: the cached window when it can answer, PostgreSQL otherwise. */
import { pageFromWindow } from './history-window.js';
import type { ChatDeps, HistoryPage, HistoryQuery, RecentWindow } from './ports.js';

async function recentWindow(deps: ChatDeps, roomId: string): Promise<RecentWindow | undefined> {
  try {
    const cached = await deps.cache.recentMessages(roomId);
    if (cached) return cached;
  } catch (error) {
    deps.log.warn('cache read failed; reading history from PostgreSQL', {
      roomId,
      error: String(error),
    });
    return undefined;
  }
  const { messages, lastSeq, firstSeq } = await deps.messages.latest(
    roomId,
    deps.limits.recentWindow,
  );
  const window: RecentWindow = { floor: messages[0]?.seq ?? lastSeq + 1, messages };
  if (firstSeq !== undefined) window.firstSeq = firstSeq;
  await deps.cache.fillRecentMessages(roomId, window).catch((error: unknown) => {
    deps.log.warn('cache fill failed', { roomId, error: String(error) });
  });
  return window;
}

export async function readHistory(
  deps: ChatDeps,
  roomId: string,
  query: HistoryQuery,
  knownLastSeq?: number,
): Promise<HistoryPage> {
  const window = await recentWindow(deps, roomId);
  const page = window && pageFromWindow(window, query, knownLastSeq);
  return page ?? deps.messages.history(roomId, query);
}
