import { describe, expect, it } from 'vitest';
import { isContiguous, pageFromWindow } from '../../../functions/core/history-window.js';
import type { Message } from '../../../functions/core/message.js';
import type { RecentWindow } from '../../../functions/core/ports.js';

function msg(seq: number): Message {
  return {
    id: `id-${seq}`,
    roomId: 'r',
    seq,
    userId: 'u',
    content: `m${seq}`,
    createdAt: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
  };
}

/** A window holding seqs from..to (inclusive), with `floor` = from unless given. */
function win(from: number, to: number, floor = from): RecentWindow {
  const messages: Message[] = [];
  for (let s = from; s <= to; s++) messages.push(msg(s));
  return { floor, messages };
}

const seqs = (page: { messages: Message[] } | undefined) => page?.messages.map((m) => m.seq);

describe('isContiguous', () => {
  it('is true for floor, floor+1, ... and for an empty window', () => {
    expect(isContiguous(win(5, 9))).toBe(true);
    expect(isContiguous({ floor: 1, messages: [] })).toBe(true);
  });

  it('is false with a gap, or when the first message is not the floor', () => {
    expect(isContiguous({ floor: 1, messages: [msg(1), msg(3)] })).toBe(false);
    expect(isContiguous({ floor: 1, messages: [msg(2), msg(3)] })).toBe(false);
    expect(isContiguous({ floor: 3, messages: [msg(2), msg(3)] })).toBe(false);
  });
});

describe('pageFromWindow: the newest page', () => {
  it('serves the newest `limit` messages, ascending', () => {
    const page = pageFromWindow(win(1, 10), { limit: 3 });
    expect(seqs(page)).toEqual([8, 9, 10]);
    expect(page?.hasMore).toBe(true);
  });

  it('has no more when the page starts at seq 1', () => {
    const page = pageFromWindow(win(1, 3), { limit: 3 });
    expect(seqs(page)).toEqual([1, 2, 3]);
    expect(page?.hasMore).toBe(false);
  });

  it('serves all of a short room when the limit is larger', () => {
    const page = pageFromWindow(win(1, 3), { limit: 50 });
    expect(seqs(page)).toEqual([1, 2, 3]);
    expect(page?.hasMore).toBe(false);
  });

  it('has more when the window holds exactly the page but older messages exist below it', () => {
    const page = pageFromWindow(win(41, 60), { limit: 20 });
    expect(seqs(page)).toEqual(Array.from({ length: 20 }, (_, i) => 41 + i));
    expect(page?.hasMore).toBe(true);
  });

  it('cannot answer when the page reaches below the floor', () => {
    expect(pageFromWindow(win(41, 60), { limit: 21 })).toBeUndefined();
  });

  it('answers an empty room with an empty page', () => {
    expect(pageFromWindow({ floor: 1, messages: [] }, { limit: 50 })).toEqual({
      messages: [],
      hasMore: false,
    });
  });

  it('cannot answer from a window with a gap', () => {
    expect(
      pageFromWindow({ floor: 1, messages: [msg(1), msg(2), msg(4)] }, { limit: 1 }),
    ).toBeUndefined();
  });
});

describe('pageFromWindow: before', () => {
  it('serves the newest `limit` messages older than the cursor', () => {
    const page = pageFromWindow(win(1, 10), { before: 8, limit: 3 });
    expect(seqs(page)).toEqual([5, 6, 7]);
    expect(page?.hasMore).toBe(true);
  });

  it('stops at seq 1 with hasMore false', () => {
    const page = pageFromWindow(win(1, 10), { before: 3, limit: 5 });
    expect(seqs(page)).toEqual([1, 2]);
    expect(page?.hasMore).toBe(false);
  });

  it('answers before=1 (and before=0) with an empty page, nothing older exists', () => {
    expect(pageFromWindow(win(1, 10), { before: 1, limit: 5 })).toEqual({
      messages: [],
      hasMore: false,
    });
    expect(pageFromWindow(win(1, 10), { before: 0, limit: 5 })).toEqual({
      messages: [],
      hasMore: false,
    });
  });

  it('answers before = newest + 1 like the newest page', () => {
    expect(pageFromWindow(win(1, 10), { before: 11, limit: 3 })).toEqual(
      pageFromWindow(win(1, 10), { limit: 3 }),
    );
  });

  it('cannot answer a cursor beyond what the window holds (it may lag behind)', () => {
    expect(pageFromWindow(win(1, 10), { before: 12, limit: 3 })).toBeUndefined();
  });

  it('cannot answer when the page reaches below the floor', () => {
    expect(pageFromWindow(win(51, 100), { before: 60, limit: 10 })).toBeUndefined();
    const page = pageFromWindow(win(51, 100), { before: 61, limit: 10 });
    expect(seqs(page)).toEqual([51, 52, 53, 54, 55, 56, 57, 58, 59, 60]);
    expect(page?.hasMore).toBe(true);
  });
});

describe('pageFromWindow: after', () => {
  it('serves the oldest `limit` messages newer than the cursor', () => {
    const page = pageFromWindow(win(1, 10), { after: 4, limit: 3 });
    expect(seqs(page)).toEqual([5, 6, 7]);
    expect(page?.hasMore).toBe(true);
  });

  it('has no more when the page reaches the newest message', () => {
    const page = pageFromWindow(win(1, 10), { after: 7, limit: 3 });
    expect(seqs(page)).toEqual([8, 9, 10]);
    expect(page?.hasMore).toBe(false);
  });

  it('answers after = newest with an empty page', () => {
    expect(pageFromWindow(win(1, 10), { after: 10, limit: 3 })).toEqual({
      messages: [],
      hasMore: false,
    });
  });

  it('answers after=0 from a window whose floor is 1', () => {
    expect(seqs(pageFromWindow(win(1, 10), { after: 0, limit: 2 }))).toEqual([1, 2]);
  });

  it('needs the window to start at or before cursor + 1', () => {
    expect(seqs(pageFromWindow(win(51, 100), { after: 50, limit: 2 }))).toEqual([51, 52]);
    expect(pageFromWindow(win(51, 100), { after: 49, limit: 2 })).toBeUndefined();
    expect(pageFromWindow(win(51, 100), { after: 0, limit: 2 })).toBeUndefined();
  });

  it('answers after=0 in an empty room with an empty page', () => {
    expect(pageFromWindow({ floor: 1, messages: [] }, { after: 0, limit: 5 })).toEqual({
      messages: [],
      hasMore: false,
    });
  });
});

describe('pageFromWindow: knownLastSeq', () => {
  it('cannot answer from a window lagging behind the known last seq', () => {
    expect(pageFromWindow(win(1, 10), { limit: 5 }, 11)).toBeUndefined();
    expect(pageFromWindow(win(1, 10), { after: 3, limit: 5 }, 12)).toBeUndefined();
    expect(pageFromWindow({ floor: 1, messages: [] }, { limit: 5 }, 1)).toBeUndefined();
  });

  it('answers when the window has caught up', () => {
    expect(seqs(pageFromWindow(win(1, 10), { limit: 2 }, 10))).toEqual([9, 10]);
    expect(pageFromWindow({ floor: 1, messages: [] }, { limit: 5 }, 0)).toEqual({
      messages: [],
      hasMore: false,
    });
  });
});
