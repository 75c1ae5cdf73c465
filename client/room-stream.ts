/**
 * One room's messages, delivered exactly once and in seq order, whatever order and however
 * often they arrive (live frames, acks of our own sends, join replies, history pages).
 * Seqs are gap-free per room (protocol.md), so "the next message" is always `last + 1`:
 * anything later waits in a buffer until the gap before it is filled, anything at or
 * below `last` was already delivered and is dropped.
 */
import type { Message } from './types.js';

export class RoomStream {
  /** The highest seq delivered with nothing missing below it; undefined before the join. */
  private last: number | undefined;
  /** The highest seq known to exist (seen in any frame or a join's `lastSeq`). */
  private known = 0;
  private readonly buffer = new Map<number, Message>();

  constructor(private readonly deliver: (message: Message) => void) {}

  /** 0 until the first join reply. */
  get lastSeq(): number {
    return this.last ?? 0;
  }

  /** Whether the first join reply has set where the stream starts. */
  get started(): boolean {
    return this.last !== undefined;
  }

  /** Messages are known to exist past `lastSeq` that have not been delivered. */
  get hasGap(): boolean {
    return this.last !== undefined && this.known > this.last;
  }

  get buffered(): number {
    return this.buffer.size;
  }

  /**
   * The first join reply: the stream starts just before its first message (the app asked
   * for the newest `limit`, older ones are scroll-back), or at `lastSeq` for an empty page.
   */
  start(messages: readonly Message[], lastSeq: number): void {
    if (this.last === undefined) {
      const first = messages[0];
      this.last = first ? first.seq - 1 : lastSeq;
      this.drain(); // live frames that arrived before the reply
    }
    this.pushAll(messages);
    this.noteKnown(lastSeq);
  }

  noteKnown(seq: number): void {
    if (seq > this.known) this.known = seq;
  }

  pushAll(messages: readonly Message[]): void {
    for (const message of messages) this.push(message);
  }

  push(message: Message): void {
    this.noteKnown(message.seq);
    if (this.last === undefined) {
      // Before the join reply: live frames can precede it (protocol.md), so hold them.
      this.buffer.set(message.seq, message);
      return;
    }
    if (message.seq <= this.last) return;
    this.buffer.set(message.seq, message);
    this.drain();
  }

  /**
   * Gives up on the missing seqs before the lowest buffered one (history did not have
   * them), so the stream does not stall for ever; the caller reports it.
   */
  skipGap(): void {
    if (this.last === undefined || this.buffer.size === 0) {
      if (this.last !== undefined) this.known = this.last;
      return;
    }
    this.last = Math.min(...this.buffer.keys()) - 1;
    this.drain();
  }

  private drain(): void {
    if (this.last === undefined) return;
    for (const seq of this.buffer.keys()) if (seq <= this.last) this.buffer.delete(seq);
    for (;;) {
      const next = this.buffer.get(this.last + 1);
      if (!next) return;
      this.buffer.delete(next.seq);
      this.last = next.seq;
      this.deliver(next);
    }
  }
}
