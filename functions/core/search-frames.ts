/**
 * Client frames of protocol v2's search (`search_messages`): the schema and its limits.
 * frames.ts adds the group to the one table of actions once its route exists.
 */
import * as z from 'zod/mini';
import { chars, roomId, storable } from './frame-fields.js';

/** Longest query, in characters: a search box, not a document. */
export const SEARCH_QUERY_MAX_CHARS = 200;
/** Results per page when `limit` is absent, and the most a page may ask for. */
export const SEARCH_DEFAULT_LIMIT = 20;
export const SEARCH_MAX_LIMIT = 50;
/** An opaque cursor from a previous `search_results`; longer is not one of ours. */
export const SEARCH_CURSOR_MAX_CHARS = 200;
/**
 * A `highlight` is the message's text around the matches, each match between these two
 * private-use characters (Slack's search API marks matches the same way): plain text, so a
 * client inserts no HTML it did not build itself.
 */
export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';

export const searchMessagesSchema = z.object({
  query: z.string({ error: 'query must be a string' }).check(
    z.refine((q) => q.trim().length > 0, 'must not be empty'),
    chars(SEARCH_QUERY_MAX_CHARS),
    storable,
  ),
  roomId: z.optional(roomId),
  limit: z.optional(
    z
      .number({ error: 'must be a number' })
      .check(
        z.int('must be an integer'),
        z.minimum(1, 'must be at least 1'),
        z.maximum(SEARCH_MAX_LIMIT, `must be at most ${SEARCH_MAX_LIMIT}`),
      ),
  ),
  cursor: z.optional(
    z
      .string({ error: 'cursor must be a string' })
      .check(z.minLength(1, 'must not be empty'), chars(SEARCH_CURSOR_MAX_CHARS)),
  ),
});

export type SearchMessagesRequest = z.infer<typeof searchMessagesSchema>;

/** Search: reads the record only, never the cache. */
export const SEARCH_SCHEMAS = { search_messages: searchMessagesSchema } as const;
