/**
 * Message search (protocol v2, `search_messages`): a page of hits, best first, each with
 * the message and its text around the matches. The server searches only rooms you may
 * read, never encrypted rooms (it cannot read them) and never deleted messages.
 */
import { expectReply } from './room-calls.js';
import type { ClientFrame, SearchResult, ServerFrame } from './types.js';

/** Where a match starts and ends in a `highlight` (private-use characters, never typed). */
export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';

export interface SearchOptions {
  /** Only this room; absent: every room you may read. */
  roomId?: string;
  /** Hits per page: the server's default 20, at most 50. */
  limit?: number;
  /** The `cursor` of the previous page, for the next one. */
  cursor?: string;
}

export interface SearchPage {
  results: SearchResult[];
  /** Present when there are more hits: pass it back as `cursor`. */
  cursor?: string;
}

export interface SearchApi {
  /**
   * Finds messages by their words, in the rooms you may read.
   *
   * @example
   * ```ts
   * const page = await client.search('invoice', { roomId: 'billing' });
   * for (const { message, highlight } of page.results) {
   *   console.log(message.roomId, message.seq, highlightSegments(highlight));
   * }
   * ```
   */
  search(query: string, options?: SearchOptions): Promise<SearchPage>;
}

/** One run of a highlight: matched text or the text around it. */
export interface HighlightSegment {
  text: string;
  match: boolean;
}

/**
 * Splits a `highlight` into runs a UI renders as text nodes (a `<mark>` around the
 * matches) without parsing any HTML. A marker left open runs to the end; stray end
 * markers are dropped; empty runs are left out.
 */
export function highlightSegments(highlight: string): HighlightSegment[] {
  const segments: HighlightSegment[] = [];
  let match = false;
  let text = '';
  const flush = () => {
    if (text) segments.push({ text, match });
    text = '';
  };
  for (const char of highlight) {
    if (char === HIGHLIGHT_START || char === HIGHLIGHT_END) {
      flush();
      match = char === HIGHLIGHT_START;
    } else text += char;
  }
  flush();
  return segments;
}

/** A search is a read: asking again after a drop is harmless. */
export async function searchMessages(
  call: (frame: ClientFrame) => Promise<ServerFrame>,
  query: string,
  options: SearchOptions = {},
): Promise<SearchPage> {
  const reply = expectReply(
    await call({
      action: 'search_messages',
      query,
      ...(options.roomId === undefined ? {} : { roomId: options.roomId }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    }),
    'search_results',
  );
  return {
    results: reply.results,
    ...(reply.cursor === undefined ? {} : { cursor: reply.cursor }),
  };
}
