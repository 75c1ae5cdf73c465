import { describe, expect, it } from 'vitest';
import { counter } from '../../web/char-limit.js';
import { continues, dayLabel, GROUP_GAP_MS } from '../../web/day-groups.js';
import { safeHref, segments } from '../../web/message-text.js';
import { afterMessage, afterRead, withUnread } from '../../web/unread.js';

describe("the web page's message text", () => {
  it('makes http and https addresses links, without the sentence punctuation after them', () => {
    expect(segments('see https://example.com/a?b=1. and http://x.org', 'me')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. and ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
    ]);
  });

  it('leaves javascript:, data: and markup as text', () => {
    const payload = 'javascript:alert(1) <script>alert(1)</script> data:text/html,<b>x</b>';
    expect(segments(payload, 'me')).toEqual([{ kind: 'text', text: payload }]);
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('https://ok.example')).toBe('https://ok.example/');
  });

  it('marks @mentions of the reader only, not of others nor inside an address', () => {
    expect(segments('hi @me and @you, mail a@me', 'me')).toEqual([
      { kind: 'text', text: 'hi ' },
      { kind: 'mention', text: '@me' },
      { kind: 'text', text: ' and @you, mail a@me' },
    ]);
  });
});

describe("the web page's grouping", () => {
  const at = (iso: string) => new Date(iso);
  it('groups one author within five minutes on one day', () => {
    const first = { userId: 'ann', time: at('2026-12-06T10:00:00') };
    expect(continues(first, { userId: 'ann', time: at('2026-12-06T10:04:59') })).toBe(true);
    const late = new Date(first.time.getTime() + GROUP_GAP_MS);
    expect(continues(first, { userId: 'ann', time: late })).toBe(false);
    expect(continues(first, { userId: 'ben', time: at('2026-12-06T10:01:00') })).toBe(false);
    expect(continues(undefined, first)).toBe(false);
  });

  it('names days Today, Yesterday, then by date', () => {
    const now = at('2026-12-06T09:00:00');
    const format = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long' });
    expect(dayLabel(at('2026-12-06T00:01:00'), now, format)).toBe('Today');
    expect(dayLabel(at('2026-12-05T23:59:00'), now, format)).toBe('Yesterday');
    expect(dayLabel(at('2026-12-04T12:00:00'), now, format)).toBe('4 December');
  });
});

describe("the web page's unread counts", () => {
  const start = { lastSeq: 10, readSeq: 8, unread: 2, unreadMentions: 0 };
  it('rises with messages from others and counts mentions', () => {
    const one = afterMessage(start, 11, true, true);
    expect(one).toEqual({ lastSeq: 11, readSeq: 8, unread: 3, unreadMentions: 1 });
    // The SDK's read_state for the message came first: the count stays, the mention counts.
    const told = { ...start, lastSeq: 11, unread: 3 };
    expect(afterMessage(told, 11, true, true)).toEqual(one);
    expect(afterMessage(one, 8, true, true)).toEqual(one); // read already
    expect(afterMessage(one, 9, false, false)).toBe(one); // an older one of yours
    expect(afterMessage(one, 12, false, false)).toEqual({
      lastSeq: 12,
      readSeq: 12,
      unread: 0,
      unreadMentions: 0,
    });
  });

  it('falls to what is after the seq read, and the title shows the total', () => {
    expect(afterRead(start, 9)).toEqual({ ...start, readSeq: 9, unread: 1 });
    expect(afterRead(start, 10)).toEqual({
      lastSeq: 10,
      readSeq: 10,
      unread: 0,
      unreadMentions: 0,
    });
    expect(withUnread('#general · Parley', 3)).toBe('(3) #general · Parley');
    expect(withUnread('Parley', 0)).toBe('Parley');
  });
});

describe("the web page's character counter", () => {
  it('shows from 90% of the limit, counts code points, and blocks over it', () => {
    expect(counter('a'.repeat(3599)).show).toBe(false);
    expect(counter('a'.repeat(3600))).toEqual({ show: true, over: false, text: '3600 / 4000' });
    expect(counter('😀'.repeat(4000)).over).toBe(false);
    expect(counter('a'.repeat(4002))).toEqual({
      show: true,
      over: true,
      text: '2 characters over the limit of 4000',
    });
  });
});
