import { describe, expect, it } from 'vitest';
import { RoomStream } from '../../client/room-stream.js';
import type { Message } from '../../client/types.js';

const msg = (seq: number): Message => ({
  id: `m${seq}`,
  roomId: 'r',
  seq,
  userId: 'u',
  content: `c${seq}`,
  createdAt: new Date(0).toISOString(),
});

function stream() {
  const out: number[] = [];
  const s = new RoomStream((m) => out.push(m.seq));
  return { s, out };
}

describe('RoomStream', () => {
  it('holds live messages that arrive before the join reply and merges them by seq', () => {
    const { s, out } = stream();
    s.push(msg(4));
    s.push(msg(3));
    expect(out).toEqual([]);
    s.start([msg(1), msg(2), msg(3)], 3);
    expect(out).toEqual([1, 2, 3, 4]);
    expect(s.lastSeq).toBe(4);
    expect(s.hasGap).toBe(false);
  });

  it('starts at the first message of the page (older ones are scroll-back), or at lastSeq', () => {
    const a = stream();
    a.s.start([msg(41), msg(42)], 42);
    expect(a.out).toEqual([41, 42]);
    const b = stream();
    b.s.start([], 7);
    b.s.push(msg(8));
    expect(b.out).toEqual([8]);
  });

  it('buffers out-of-order messages until the gap is filled and drops duplicates', () => {
    const { s, out } = stream();
    s.start([], 0);
    s.push(msg(3));
    s.push(msg(2));
    expect(out).toEqual([]);
    expect(s.hasGap).toBe(true);
    expect(s.buffered).toBe(2);
    s.push(msg(1));
    s.push(msg(2));
    s.pushAll([msg(1), msg(2), msg(3)]);
    expect(out).toEqual([1, 2, 3]);
    expect(s.hasGap).toBe(false);
    expect(s.buffered).toBe(0);
  });

  it('knows of a gap from a join reply lastSeq alone', () => {
    const { s } = stream();
    s.start([], 2);
    s.noteKnown(5);
    expect(s.hasGap).toBe(true);
  });

  it('skipGap moves past missing seqs to the lowest buffered one', () => {
    const { s, out } = stream();
    s.start([], 0);
    s.push(msg(3));
    s.push(msg(4));
    s.skipGap();
    expect(out).toEqual([3, 4]);
    expect(s.hasGap).toBe(false);
  });

  describe('edits and deletes', () => {
    const edit = (seq: number, content: string, at: number): Message => ({
      ...msg(seq),
      content,
      editedAt: new Date(at).toISOString(),
    });
    function delivering() {
      const out: Message[] = [];
      const s = new RoomStream((m) => out.push(m));
      return { s, out };
    }

    it('leaves a delivered message to the app: revise and remove say so', () => {
      const { s } = delivering();
      s.start([msg(1)], 1);
      expect(s.revise(edit(1, 'x', 1))).toBe(true);
      expect(s.remove(1)).toBe(true);
    });

    it('keeps the latest form of a buffered message whatever copy arrives after it', () => {
      const { s, out } = delivering();
      s.start([], 0);
      s.push(msg(2));
      expect(s.revise(edit(2, 'second edit', 2000))).toBe(false);
      s.revise(edit(2, 'first edit', 1000)); // an older edit, late
      s.push(msg(2)); // a duplicate of the original
      s.push(msg(1));
      expect(out.map((m) => m.content)).toEqual(['c1', 'second edit']);
    });

    it('applies an edit or delete that came before its message, also before the join reply', () => {
      const { s, out } = delivering();
      expect(s.revise(edit(1, 'edited', 1000))).toBe(false);
      expect(s.remove(2)).toBe(false);
      s.revise(edit(2, 'too late', 3000)); // a tombstone stays one
      s.start([msg(1), msg(2)], 2);
      expect(out.map((m) => [m.content, m.deleted])).toEqual([
        ['edited', undefined],
        ['', true],
      ]);
    });

    it('counts an edit of a seq not seen yet as a gap, and forgets revisions below the start', () => {
      const { s, out } = delivering();
      s.revise(edit(1, 'scroll-back', 1000));
      s.start([msg(5)], 5);
      s.revise(edit(7, 'later', 1000));
      expect(s.hasGap).toBe(true);
      s.pushAll([msg(6), msg(7)]);
      expect(out.map((m) => m.content)).toEqual(['c5', 'c6', 'later']);
    });
  });
});
