/**
 * One room's messages, delivered exactly once and in seq order, whatever order and however
 * often they arrive (live frames, acks of our own sends, join replies, history pages).
 * Seqs are gap-free per room (protocol.md), so "the next message" is always `last + 1`:
 * anything later waits in a buffer until the gap before it is filled, anything at or
 * below `last` was already delivered and is dropped.
 *
 * Edits and deletes (protocol v2) keep the seq. One of a message already delivered is the
 * app's to apply (the caller emits it); one of a message not delivered yet is folded into
 * it here, so the app meets the message once, already in its current form, whichever of
 * the two frames the fan-out queue delivered first.
 */
import type { Message } from './types.js';

export class RoomStream {
  /** The highest seq delivered with nothing missing below it; undefined before the join. */
  private last: number | undefined;
  /** The highest seq known to exist (seen in any frame or a join's `lastSeq`). */
  private known = 0;
  private readonly buffer = new Map<number, Message>();
  /** Edits and deletes of seqs past `last` that are not in the buffer yet. */
  private readonly revisions = new Map<number, Message | 'deleted'>();

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
      this.hold(message);
      return;
    }
    if (message.seq <= this.last) return;
    this.hold(message);
    this.drain();
  }

  /**
   * An edit: true when its seq was already delivered (the app holds the old version and
   * must hear of it), false when the message will be delivered in its edited form.
   */
  revise(message: Message): boolean {
    if (this.last !== undefined && message.seq <= this.last) return true;
    this.noteKnown(message.seq);
    const held = this.buffer.get(message.seq);
    if (held) this.buffer.set(message.seq, latest(held, message));
    else {
      const revision = this.revisions.get(message.seq);
      this.revisions.set(
        message.seq,
        revision === 'deleted' ? revision : latest(revision, message),
      );
    }
    return false;
  }

  /** A delete: as `revise`; a message not delivered yet is delivered as a tombstone. */
  remove(seq: number): boolean {
    if (this.last !== undefined && seq <= this.last) return true;
    this.noteKnown(seq);
    const held = this.buffer.get(seq);
    if (held) this.buffer.set(seq, tombstone(held));
    else this.revisions.set(seq, 'deleted');
    return false;
  }

  /** Buffers a message in its latest known form: a duplicate may be an older copy. */
  private hold(arrived: Message): void {
    const revision = this.revisions.get(arrived.seq);
    this.revisions.delete(arrived.seq);
    let message = latest(this.buffer.get(arrived.seq), arrived);
    if (revision === 'deleted') message = tombstone(message);
    else if (revision) message = latest(message, revision);
    this.buffer.set(message.seq, message);
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
    for (const seq of this.revisions.keys()) if (seq <= this.last) this.revisions.delete(seq);
    for (;;) {
      const next = this.buffer.get(this.last + 1);
      if (!next) return;
      this.buffer.delete(next.seq);
      this.last = next.seq;
      this.deliver(next);
    }
  }
}

/**
 * The later of two copies of one message: a tombstone over anything, then the later edit;
 * on a tie the one that arrived last. (`editedAt` is ISO 8601 UTC, so text order is time
 * order.)
 */
function latest(held: Message | undefined, arrived: Message): Message {
  if (!held) return arrived;
  if (held.deleted) return held;
  if (arrived.deleted) return arrived;
  return (arrived.editedAt ?? '') >= (held.editedAt ?? '') ? arrived : held;
}

/** What a deleted message looks like on the wire: its seq stays, its content goes. */
function tombstone(message: Message): Message {
  return message.deleted ? message : { ...message, content: '', deleted: true };
}
