import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../../../functions/core/json-bytes.js';
import { DEFAULT_LIMITS } from '../../../functions/core/limits.js';
import type { Message } from '../../../functions/core/message.js';
import { fitHistoryFrame, pageEndFor } from '../../../functions/core/page-fit.js';
import { REPLY_BUDGET_BYTES } from '../../../functions/core/reply-budget.js';
import type { RoomHistoryFrame } from '../../../functions/core/server-frames.js';

const bytes = (frame: RoomHistoryFrame) => Buffer.byteLength(JSON.stringify(frame), 'utf8');
const seqs = (frame: RoomHistoryFrame) => frame.messages.map((m) => m.seq);

function message(seq: number, content: string): Message {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    roomId: 'big',
    seq,
    userId: 'writer',
    content,
    createdAt: '2026-12-06T10:00:00.000Z',
  };
}

/** Seqs `from`..`to`, contents cycling through the heaviest kinds of text. */
function page(from: number, to: number, chars = DEFAULT_LIMITS.maxMessageChars): Message[] {
  const kinds = ['字', '😀', '\u0001', 'a'];
  return Array.from({ length: to - from + 1 }, (_, i) =>
    message(from + i, kinds[(from + i) % kinds.length]!.repeat(chars)),
  );
}

function frame(messages: Message[], extra: Partial<RoomHistoryFrame> = {}): RoomHistoryFrame {
  return { type: 'room_history', roomId: 'big', messages, hasMore: false, ...extra };
}

describe('pageEndFor', () => {
  it('keeps the newest for the newest page and before, the oldest for after and since', () => {
    expect(pageEndFor({})).toBe('newest');
    expect(pageEndFor({ after: undefined })).toBe('newest');
    expect(pageEndFor({ after: 0 })).toBe('oldest');
    expect(pageEndFor({ after: 17 })).toBe('oldest');
  });
});

describe('fitHistoryFrame', () => {
  it('returns a page that fits as it is', () => {
    const small = frame(page(1, 5, 10), { hasMore: true });
    expect(fitHistoryFrame(small, 'newest')).toBe(small);
    expect(fitHistoryFrame(frame([]), 'oldest')).toEqual(frame([]));
  });

  it('keeping the newest: the newest messages that fit, hasMore true', () => {
    const cut = fitHistoryFrame(frame(page(1, 100)), 'newest');
    expect(cut.hasMore).toBe(true);
    expect(seqs(cut).at(-1)).toBe(100);
    expect(seqs(cut)).toEqual(
      Array.from({ length: cut.messages.length }, (_, i) => 101 - cut.messages.length + i),
    );
    expect(bytes(cut)).toBeLessThanOrEqual(REPLY_BUDGET_BYTES);
  });

  it('keeping the oldest: the oldest messages that fit, hasMore true', () => {
    const cut = fitHistoryFrame(frame(page(41, 140)), 'oldest');
    expect(cut.hasMore).toBe(true);
    expect(seqs(cut)[0]).toBe(41);
    expect(seqs(cut)).toEqual(Array.from({ length: cut.messages.length }, (_, i) => 41 + i));
    expect(bytes(cut)).toBeLessThanOrEqual(REPLY_BUDGET_BYTES);
  });

  it('keeps as many as fit: one more would not', () => {
    for (const keep of ['newest', 'oldest'] as const) {
      const all = page(1, 100);
      const cut = fitHistoryFrame(frame(all), keep);
      const n = cut.messages.length;
      const oneMore = keep === 'newest' ? all.slice(all.length - n - 1) : all.slice(0, n + 1);
      expect(bytes(frame(oneMore, { hasMore: true }))).toBeGreaterThan(REPLY_BUDGET_BYTES);
    }
  });

  it('measures the whole frame to the byte: a budget of exactly k messages keeps k', () => {
    const all = page(1, 10, 300);
    const online = ['alice', 'bøb', '字'];
    for (let k = 1; k <= 10; k++) {
      const exact = bytes(frame(all.slice(10 - k), { online, onlineCount: 3, lastSeq: 10 }));
      const fitted = fitHistoryFrame(
        frame(all, { online, onlineCount: 3, lastSeq: 10 }),
        'newest',
        exact,
      );
      expect(fitted.messages).toHaveLength(k);
      expect(bytes(fitted)).toBe(k === 10 ? exact : exact - 1); // hasMore: true is a byte shorter
    }
  });

  it('counts the envelope: a long online list leaves room for fewer messages', () => {
    const all = page(1, 100);
    const plain = fitHistoryFrame(frame(all), 'newest');
    const online = Array.from({ length: 100 }, (_, i) => `${'u'.repeat(150)}${i}`);
    const crowded = fitHistoryFrame(frame(all, { online, onlineCount: 2500 }), 'newest');
    expect(crowded.messages.length).toBeLessThan(plain.messages.length);
    expect(bytes(crowded)).toBeLessThanOrEqual(REPLY_BUDGET_BYTES);
  });

  it('keeps one message even when it alone is over the budget, so paging always moves', () => {
    const all = page(1, 3);
    const one = jsonBytes(frame(all.slice(0, 1))) - 1;
    expect(seqs(fitHistoryFrame(frame(all), 'newest', one))).toEqual([3]);
    expect(seqs(fitHistoryFrame(frame(all), 'oldest', one))).toEqual([1]);
  });

  it('leaves the rest of the frame as it was', () => {
    const cut = fitHistoryFrame(
      frame(page(1, 100), { online: ['alice'], onlineCount: 1, lastSeq: 100, requestId: 'j1' }),
      'newest',
    );
    expect(cut).toMatchObject({
      roomId: 'big',
      online: ['alice'],
      onlineCount: 1,
      lastSeq: 100,
      requestId: 'j1',
    });
  });
});
