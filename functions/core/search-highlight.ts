/**
 * A search result's `highlight` (protocol v2, "Search"): a short plain-text excerpt of the
 * message with every match between HIGHLIGHT_START and HIGHLIGHT_END. The store marks what
 * its index matched (PostgreSQL's ts_headline, for words); CJK text has no words for
 * ts_headline to find, so the query's CJK runs are marked here, on the message's text. The
 * excerpt is bounded, so a result weighs at most its message and a few hundred characters:
 * a page of results shrinks like a page of history and one result always fits a reply.
 */
import { HIGHLIGHT_END, HIGHLIGHT_START } from './search-frames.js';

/** The longest highlight, in characters (markers included): a line of a result list. */
export const HIGHLIGHT_MAX_CHARS = 240;

/** Characters of context kept before the first match when the excerpt is cut. */
const LEAD_CHARS = 40;

/**
 * Runs of the characters search indexes as bigrams: Hiragana, Katakana, CJK ideographs
 * (extension A, the compatibility block, the supplementary planes) and Hangul syllables.
 * The same classes as migration 8's `CJK_CHARS` (a test holds the two together).
 */
export const CJK_RUN =
  /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{3134f}]+/gu;

/**
 * CJK punctuation, which search reads as spaces in messages (migration 8's
 * `CJK_PUNCTUATION_CHARS`) and so in queries too.
 */
export const CJK_PUNCTUATION =
  /[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]/gu;

/** The CJK runs of a query, each once, longest first (so a longer run is marked first). */
export function cjkRunsOf(query: string): string[] {
  const runs = new Set(query.match(CJK_RUN) ?? []);
  return [...runs].sort((a, b) => b.length - a.length);
}

/** `text` as a literal in a regular expression. */
export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `text` with every occurrence of the runs marked, outside marks already there. */
function markRuns(text: string, runs: readonly string[]): string {
  if (runs.length === 0) return text;
  const pattern = new RegExp(
    `${HIGHLIGHT_START}[^${HIGHLIGHT_END}]*${HIGHLIGHT_END}|${runs.map(escapeRegExp).join('|')}`,
    'gu',
  );
  return text.replace(pattern, (match) =>
    match.startsWith(HIGHLIGHT_START) ? match : `${HIGHLIGHT_START}${match}${HIGHLIGHT_END}`,
  );
}

/**
 * At most HIGHLIGHT_MAX_CHARS characters of `text` from a little before its first mark,
 * never cutting a mark in two (an open mark at the cut is closed) nor a surrogate pair.
 */
function excerpt(text: string): string {
  const chars = Array.from(text);
  if (chars.length <= HIGHLIGHT_MAX_CHARS) return text;
  const first = chars.indexOf(HIGHLIGHT_START);
  const start = Math.max(0, Math.min(first - LEAD_CHARS, chars.length - HIGHLIGHT_MAX_CHARS));
  const kept = chars.slice(start, start + HIGHLIGHT_MAX_CHARS);
  let open = false;
  for (const c of kept) {
    if (c === HIGHLIGHT_START) open = true;
    else if (c === HIGHLIGHT_END) open = false;
  }
  if (open) kept[kept.length - 1] = HIGHLIGHT_END;
  return kept.join('');
}

/**
 * The highlight of a result: the store's excerpt with the query's CJK runs marked in it;
 * when that shows no match (the store cut its excerpt where no word matched), the
 * message's own text marked instead. Bounded to HIGHLIGHT_MAX_CHARS.
 */
export function highlightOf(content: string, stored: string, query: string): string {
  const runs = cjkRunsOf(query);
  let text = markRuns(stored, runs);
  if (!text.includes(HIGHLIGHT_START)) {
    const marked = markRuns(content, runs);
    if (marked.includes(HIGHLIGHT_START)) text = marked;
  }
  return excerpt(text);
}
