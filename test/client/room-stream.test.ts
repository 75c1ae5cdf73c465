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
});
