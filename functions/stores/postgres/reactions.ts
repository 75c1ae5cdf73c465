/**
 * Reactions in PostgreSQL (protocol v2, "Messages"): one row per (message, emoji, user) in
 * `reactions`, and the counts on the message itself (`messages.reactions`, kept in the same
 * transaction), so a history read carries them without aggregating; a reader's own
 * reactions (`me`) are one indexed read of the first table (`reactions_viewer`).
 */
import type { Pool } from 'pg';
import { ChatError } from '../../core/errors.js';
import type { Message } from '../../core/message.js';
import type { OwnReaction, ReactionChange, ReactionResult } from '../../core/ports.js';
import { guarded } from './errors.js';
import { qualified } from './message-changes.js';
import { inTransaction } from './transaction.js';

/**
 * The counts after adding `delta` (1 or -1) to one emoji (`one`, which may be new) or to
 * each of an array of emoji (`anyOf`, only taken back) in the jsonb `counts`: in the order
 * each emoji was first used, a new emoji last, an emoji at 0 dropped, NULL when none is
 * left. The arguments are SQL expressions over the statement's own rows and parameters.
 */
export function recountSql(
  counts: string,
  delta: string,
  emoji: { one: string } | { anyOf: string },
): string {
  const match = 'one' in emoji ? `= ${emoji.one}` : `= ANY (${emoji.anyOf})`;
  const added =
    'one' in emoji
      ? `UNION ALL
       SELECT ${emoji.one}, 2147483647, 1
        WHERE ${delta} = 1 AND NOT coalesce(${counts}, '[]') @> jsonb_build_array(
          jsonb_build_object('emoji', ${emoji.one}))`
      : '';
  return `(SELECT jsonb_agg(jsonb_build_object('emoji', k.emoji, 'count', k.count) ORDER BY k.ord)
     FROM (
       SELECT e->>'emoji' AS emoji, ord,
              (e->>'count')::int + CASE WHEN e->>'emoji' ${match} THEN ${delta} ELSE 0 END
                AS count
         FROM jsonb_array_elements(coalesce(${counts}, '[]')) WITH ORDINALITY AS t(e, ord)
       ${added}
     ) k
    WHERE k.count > 0)`;
}

/**
 * Takes the message's row lock (a concurrent reaction, edit or delete is waited for), and
 * answers it with the caller's reactions on it. Run first, so that the change below reads
 * everything committed before the lock was granted (each statement of a READ COMMITTED
 * transaction takes a fresh snapshot): a user's own add and take-back racing each other
 * then see each other's row.
 */
const lockSql = (columns: string) =>
  `SELECT ${columns} FROM messages WHERE room_id = $1 AND seq = $2 FOR UPDATE`;

/**
 * Adds or deletes the caller's row and, only when that changed something, recounts the
 * message and bumps its `rev`. `$5` true adds. Always one row: the message as changed (all
 * NULL when nothing changed) and `mine_before`, the caller's emoji read in the same
 * snapshot, before the row change (which a sibling query cannot see): the caller applies it.
 */
const changeSql = (columns: string) => {
  const updated = qualified(columns, 'm');
  return `
    WITH added AS (
      INSERT INTO reactions (room_id, seq, emoji, user_id)
      SELECT $1, $2, $4, $3 WHERE $5::boolean
      ON CONFLICT DO NOTHING RETURNING 1 AS delta
    ), removed AS (
      DELETE FROM reactions
       WHERE room_id = $1 AND seq = $2 AND emoji = $4 AND user_id = $3 AND NOT $5::boolean
      RETURNING -1 AS delta
    ), delta AS (
      SELECT delta FROM added UNION ALL SELECT delta FROM removed
    ), change AS (
      UPDATE messages m
         SET reactions = ${recountSql('m.reactions', 'd.delta', { one: '$4' })}, rev = m.rev + 1
        FROM delta d
       WHERE m.room_id = $1 AND m.seq = $2
      RETURNING ${updated}
    )
    SELECT change.*, array(
             SELECT emoji FROM reactions WHERE room_id = $1 AND seq = $2 AND user_id = $3
             ORDER BY created_at, emoji
           ) AS mine_before
      FROM (SELECT 1) AS one LEFT JOIN change ON true`;
};

type Row = {
  id: string | null;
  deleted_at: Date | null;
  reactions: { emoji: string; count: number }[] | null;
};

export async function reactRow<R extends Row>(
  pool: Pool,
  columns: string,
  toMessage: (row: R) => Message,
  change: ReactionChange,
): Promise<ReactionResult> {
  const { roomId, seq, userId, emoji, on, maxEmoji } = change;
  return inTransaction(pool, async (db) => {
    const locked = (await db.query<R>(lockSql(columns), [roomId, seq])).rows[0];
    if (!locked) throw new ChatError('not_found', `Room ${roomId} has no message ${seq}`);
    if (locked.deleted_at !== null) {
      throw new ChatError('forbidden', 'A deleted message cannot take reactions');
    }
    const counts = locked.reactions ?? [];
    if (on && counts.length >= maxEmoji && !counts.some((c) => c.emoji === emoji)) {
      throw new ChatError(
        'forbidden',
        `A message can carry at most ${maxEmoji} different reactions`,
      );
    }
    const { rows } = await db.query<R & { mine_before: string[] }>(changeSql(columns), [
      roomId,
      seq,
      userId,
      emoji,
      on,
    ]);
    const row = rows[0];
    const before = row?.mine_before ?? [];
    if (!row || row.id === null)
      return { message: toMessage(locked), changed: false, mine: before };
    const others = before.filter((e) => e !== emoji);
    return { message: toMessage(row), changed: true, mine: on ? [...others, emoji] : others };
  });
}

/**
 * The user's reactions on those seqs: one range scan of the `reactions_viewer` index
 * (room, user, seq between the page's ends), so its cost is the page's, not the user's
 * history in the room; the list then keeps the seqs asked (a thread's are not contiguous).
 */
export async function reactionsByUser(
  pool: Pool,
  roomId: string,
  userId: string,
  seqs: readonly number[],
): Promise<OwnReaction[]> {
  if (seqs.length === 0) return [];
  const { rows } = await guarded(() =>
    pool.query<{ seq: string; emoji: string }>(
      `SELECT seq, emoji FROM reactions
        WHERE room_id = $1 AND user_id = $2 AND seq BETWEEN $3 AND $4
          AND seq = ANY ($5::bigint[])`,
      [roomId, userId, Math.min(...seqs), Math.max(...seqs), seqs],
    ),
  );
  return rows.map((r) => ({ seq: Number(r.seq), emoji: r.emoji }));
}
