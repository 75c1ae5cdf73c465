/**
 * Reactions as PostgreSQL keeps them, for `FakeMessageStore`: one row per (message, emoji,
 * user), and the counts on the message, in order of each emoji's first use.
 */
import { ChatError } from '../../functions/core/errors.js';
import type { Message, Reaction } from '../../functions/core/message.js';
import type { OwnReaction, ReactionChange } from '../../functions/core/ports.js';

interface Row {
  roomId: string;
  seq: number;
  emoji: string;
  userId: string;
}

export class FakeReactions {
  private rows: Row[] = [];

  /** The message after the change, or undefined when the change changes nothing. */
  apply(current: Message, change: ReactionChange): Message | undefined {
    const { emoji, userId, on, maxEmoji } = change;
    if (current.deleted)
      throw new ChatError('forbidden', 'A deleted message cannot take reactions');
    const counts = current.reactions ?? [];
    if (on && counts.length >= maxEmoji && !counts.some((c) => c.emoji === emoji)) {
      throw new ChatError(
        'forbidden',
        `A message can carry at most ${maxEmoji} different reactions`,
      );
    }
    const has = this.rows.some(
      (r) => this.matches(r, current) && r.emoji === emoji && r.userId === userId,
    );
    if (has === on) return undefined;
    if (on) this.rows.push({ roomId: current.roomId, seq: current.seq, emoji, userId });
    else
      this.rows = this.rows.filter(
        (r) => !(this.matches(r, current) && r.emoji === emoji && r.userId === userId),
      );
    return withCounts(current, recount(counts, emoji, on ? 1 : -1));
  }

  /** The user's emoji on the message, in the order they added them. */
  mine(message: Message, userId: string): string[] {
    return this.rows
      .filter((r) => this.matches(r, message) && r.userId === userId)
      .map((r) => r.emoji);
  }

  by(roomId: string, userId: string, seqs: readonly number[]): OwnReaction[] {
    return this.rows
      .filter((r) => r.roomId === roomId && r.userId === userId && seqs.includes(r.seq))
      .map(({ seq, emoji }) => ({ seq, emoji }));
  }

  /** A tombstone's rows go with its content. */
  dropMessage(message: Message): void {
    this.rows = this.rows.filter((r) => !this.matches(r, message));
  }

  private matches(row: Row, message: Message): boolean {
    return row.roomId === message.roomId && row.seq === message.seq;
  }
}

function recount(counts: readonly Reaction[], emoji: string, delta: number): Reaction[] {
  const next = counts.map((c) => (c.emoji === emoji ? { ...c, count: c.count + delta } : c));
  if (!counts.some((c) => c.emoji === emoji)) next.push({ emoji, count: delta, me: false });
  return next.filter((c) => c.count > 0);
}

function withCounts(message: Message, counts: Reaction[]): Message {
  const { reactions: _old, ...rest } = message;
  return {
    ...rest,
    ...(counts.length > 0 ? { reactions: counts } : {}),
    rev: (message.rev ?? 0) + 1,
  };
}
