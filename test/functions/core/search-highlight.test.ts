/** Highlights: CJK runs marked by the core, excerpts bounded, marks never cut in two. */
import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../../../functions/core/json-bytes.js';
import {
  heaviestMessage,
  MAX_MESSAGE_CHARS_CEILING,
  REPLY_BUDGET_BYTES,
} from '../../../functions/core/reply-budget.js';
import {
  HIGHLIGHT_END as E,
  HIGHLIGHT_START as S,
  SEARCH_CURSOR_MAX_CHARS,
} from '../../../functions/core/search-frames.js';
import {
  cjkRunsOf,
  HIGHLIGHT_MAX_CHARS,
  highlightOf,
} from '../../../functions/core/search-highlight.js';
import type { SearchResultsFrame } from '../../../functions/core/server-frames.js';

describe('highlightOf', () => {
  it('keeps the store’s marks and adds the query’s CJK runs', () => {
    expect(highlightOf('deploy 北京', `${S}deploy${E} 北京`, 'deploy 北京')).toBe(
      `${S}deploy${E} ${S}北京${E}`,
    );
  });

  it('marks Chinese in the message when the store’s excerpt shows no match', () => {
    const content = '我们明天在北京开会';
    expect(highlightOf(content, content, '北京')).toBe(`我们明天在${S}北京${E}开会`);
    expect(highlightOf(content, '', '开会')).toBe(`我们明天在北京${S}开会${E}`);
  });

  it('cuts a long text around the first match, at most HIGHLIGHT_MAX_CHARS, marks whole', () => {
    const content = `${'字'.repeat(1000)}北京${'字'.repeat(1000)}`;
    const out = highlightOf(content, content, '北京');
    expect(Array.from(out).length).toBe(HIGHLIGHT_MAX_CHARS);
    expect(out).toContain(`${S}北京${E}`);
    // A mark open at the cut is closed.
    const cut = highlightOf('x', `${'a'.repeat(230)}${S}${'b'.repeat(100)}${E}`, 'b');
    expect(Array.from(cut).length).toBe(HIGHLIGHT_MAX_CHARS);
    expect(cut.endsWith(E)).toBe(true);
    expect(cut.split(S).length).toBe(cut.split(E).length);
  });

  it('finds the CJK runs of a query, longest first', () => {
    expect(cjkRunsOf('meet 北京 and 開会する 北京 서울 𠀀')).toEqual([
      '開会する',
      '北京',
      '서울',
      '𠀀',
    ]);
  });
});

describe('a search result', () => {
  it('always fits a reply alone: the heaviest message, highlight and cursor', () => {
    const frame: SearchResultsFrame = {
      type: 'search_results',
      results: [
        {
          message: heaviestMessage(MAX_MESSAGE_CHARS_CEILING),
          highlight: '\u0001'.repeat(HIGHLIGHT_MAX_CHARS),
        },
      ],
      cursor: '\u0001'.repeat(SEARCH_CURSOR_MAX_CHARS),
    };
    expect(jsonBytes(frame)).toBeLessThanOrEqual(REPLY_BUDGET_BYTES);
  });
});
