import { ChatError } from '../errors.js';
import { linkMessages } from '../files.js';
import { hasJoined } from '../membership.js';
import { fittedPage } from '../page-shrink.js';
import type { SearchHit } from '../ports.js';
import { withMine } from '../reactions.js';
import { SEARCH_DEFAULT_LIMIT, type SearchMessagesRequest } from '../search-frames.js';
import { highlightOf } from '../search-highlight.js';
import type { SearchResult, SearchResultsFrame } from '../server-frames.js';
import type { ActionHandler } from './types.js';

/**
 * Hits as the reader gets them: their own reactions marked, fresh links to the files
 * (core/files.ts; none asked for a page without attachments), the highlight bounded.
 */
async function resultsOf(
  deps: Parameters<typeof linkMessages>[0],
  hits: readonly SearchHit[],
  query: string,
): Promise<SearchResult[]> {
  const messages = await linkMessages(
    deps,
    hits.map((hit) => withMine(hit.message, hit.mine)),
  );
  return hits.map((hit, i) => ({
    message: messages[i] ?? hit.message,
    highlight: highlightOf(hit.message.content, hit.highlight, query),
  }));
}

/**
 * `search_messages` (protocol v2, "Search"): a page of the messages the caller may read
 * that match `query`, best first, from PostgreSQL (one statement a page). Without `roomId`
 * it covers every room the user is a member of; with it, only that room, refused as
 * `get_history` refuses a room the connection has not joined. A page too heavy for one
 * reply is read again, shorter, so its cursor resumes right after what was sent.
 */
export const searchMessages: ActionHandler<SearchMessagesRequest> = async (
  deps,
  caller,
  request,
  reply,
) => {
  const { roomId, query, cursor } = request;
  if (roomId !== undefined && !(await hasJoined(deps, roomId, caller.connectionId))) {
    throw new ChatError('forbidden', `Join room ${roomId} before searching it`);
  }
  const frame = await fittedPage(
    request.limit ?? SEARCH_DEFAULT_LIMIT,
    async (limit) => {
      const page = await deps.messages.search({
        userId: caller.userId,
        text: query,
        limit,
        ...(roomId !== undefined ? { roomId } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      });
      return {
        results: await resultsOf(deps, page.hits, query),
        ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
      };
    },
    (page) => page.results,
    (page): SearchResultsFrame => ({ type: 'search_results', ...page }),
  );
  await reply(frame);
};
