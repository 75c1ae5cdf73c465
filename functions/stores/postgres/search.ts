/**
 * Full-text search in PostgreSQL (protocol v2, `search_messages`): the generated
 * `messages.search` tsvector and its GIN index `messages_search` (migration 8). The
 * document splits each CJK run into overlapping bigrams and its last character; the query
 * is split the same way here, before websearch_to_tsquery reads it, so a CJK run of the
 * query is the phrase of its bigrams and a lone CJK character a prefix of the tokens
 * (docs/decisions/2026-12-06-search.md).
 */
import type { Pool } from 'pg';
import type { Message } from '../../core/message.js';
import type { SearchPage, SearchQuery } from '../../core/ports.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../core/search-frames.js';
import { CJK_PUNCTUATION, CJK_RUN } from '../../core/search-highlight.js';
import { decodeSearchCursor, encodeSearchCursor } from '../search-cursor.js';
import { guarded } from './errors.js';
import { NOT_BANNED } from './room-rows.js';

/** The bigrams of a CJK run (a lone character stays itself), space-separated. */
function bigrams(run: string): string {
  const chars = Array.from(run);
  if (chars.length === 1) return run;
  return chars
    .slice(0, -1)
    .map((c, i) => c + chars[i + 1])
    .join(' ');
}

/**
 * The query as websearch_to_tsquery should read it: each CJK run replaced by its bigrams,
 * quoted as a phrase outside quotes (inside a quoted phrase they join that phrase). A `-`
 * right before a run still negates it.
 */
export function websearchText(text: string): string {
  const query = text.replace(CJK_PUNCTUATION, ' ');
  let out = '';
  let quoted = false;
  let last = 0;
  for (const match of query.matchAll(CJK_RUN)) {
    const before = query.slice(last, match.index);
    for (const c of before) if (c === '"') quoted = !quoted;
    const grams = bigrams(match[0]);
    const phrase = quoted || !grams.includes(' ') ? grams : `"${grams}"`;
    out += `${before}${before.endsWith('-') ? '' : ' '}${phrase} `;
    last = match.index + match[0].length;
  }
  return out + query.slice(last);
}

/**
 * The tsquery of `$2`: a lone CJK character (the only single-character CJK lexeme a
 * query can hold) becomes a prefix, so it matches the bigrams it starts and a run's last
 * character; websearch_to_tsquery itself has no syntax for a prefix.
 */
const TSQUERY = `regexp_replace(websearch_to_tsquery('english', $2)::text,
  '''([\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\U00020000-\\U0003134f])''',
  '''\\1'':*', 'g')::tsquery`;

/**
 * ts_headline's options: our markers, a line's worth of words around the first match. One
 * excerpt, not fragments: PostgreSQL's fragment mode drops a message's last word, and
 * ShortWord=0 keeps short words at the ends (its default drops words of 3 letters or less).
 */
const HEADLINE_OPTIONS = `StartSel=${HIGHLIGHT_START}, StopSel=${HIGHLIGHT_END}, MaxWords=30, MinWords=12, ShortWord=0`;

type HitRow<R> = R & { rank: number; at_us: string; highlight: string; mine: string[] | null };

/**
 * Best first: rank, then newest, then room and seq (unique), all descending, so a page
 * starts after the previous one's last row by one row comparison. The index finds the
 * matches room by room (`room_id = … AND search @@ …`); only they are ranked, only the page
 * gets an excerpt, and the reader's own reactions come in the same statement, for the
 * page's hits that have reactions.
 */
const searchSql = (columns: string) => `
  SELECT p.*,
         ts_headline('english', p.content, p.tsq, $7) AS highlight,
         CASE WHEN p.reactions IS NOT NULL THEN array(
           SELECT emoji FROM reactions x
            WHERE x.room_id = p.room_id AND x.user_id = $1 AND x.seq = p.seq
         ) END AS mine
    FROM (
      SELECT * FROM (
        SELECT ${columns}, q.tsq, ts_rank(msg.search, q.tsq) AS rank,
               (extract(epoch FROM msg.created_at) * 1000000)::bigint AS at_us
          FROM (SELECT ${TSQUERY} AS tsq) q
          CROSS JOIN room_members m
          JOIN rooms r ON r.id = m.room_id
          JOIN messages msg ON msg.room_id = m.room_id
         WHERE m.user_id = $1 AND ${NOT_BANNED} AND NOT r.encrypted
           AND ($3::text IS NULL OR m.room_id = $3)
           AND msg.search @@ q.tsq AND msg.deleted_at IS NULL
      ) hit
      WHERE $4::real IS NULL
         OR (hit.rank, hit.at_us, hit.room_id, hit.seq) < ($4::real, $5::bigint, $6::text, $8::bigint)
      ORDER BY hit.rank DESC, hit.at_us DESC, hit.room_id DESC, hit.seq DESC
      LIMIT $9
    ) p
   ORDER BY p.rank DESC, p.at_us DESC, p.room_id DESC, p.seq DESC`;

const POSITION = ['number', 'number', 'string', 'number'] as const;

/** The search's statement and its values, for `columns` of `msg` (EXPLAIN reads it too). */
export function searchStatement(
  columns: string,
  query: SearchQuery,
): { text: string; values: unknown[] } {
  const [rank, atUs, roomId, seq] =
    query.cursor === undefined ? [] : decodeSearchCursor(query, query.cursor, POSITION);
  return {
    text: searchSql(columns),
    values: [
      query.userId,
      websearchText(query.text),
      query.roomId ?? null,
      rank ?? null,
      atUs ?? null,
      roomId ?? null,
      HEADLINE_OPTIONS,
      seq ?? null,
      query.limit + 1,
    ],
  };
}

/** Columns and row mapping come from the message store, as for threads (threads.ts). */
export async function searchPage<R extends { room_id: string; seq: string }>(
  pool: Pool,
  columns: string,
  toMessage: (row: R) => Message,
  query: SearchQuery,
): Promise<SearchPage> {
  const { text, values } = searchStatement(columns, query);
  const { rows } = await guarded(() => pool.query<HitRow<R>>(text, values));
  const hits = rows.slice(0, query.limit).map((row) => ({
    message: toMessage(row),
    mine: row.mine ?? [],
    highlight: row.highlight,
  }));
  const last = rows[query.limit - 1];
  if (rows.length <= query.limit || !last) return { hits };
  return {
    hits,
    cursor: encodeSearchCursor(query, [
      last.rank,
      Number(last.at_us),
      last.room_id,
      Number(last.seq),
    ]),
  };
}
