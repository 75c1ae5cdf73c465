/**
 * Edits and deletes in PostgreSQL (protocol v2, "Messages"), one statement each. The
 * statement locks the message's row, changes it only if the caller may and it would change,
 * and answers the row as it is now either way, so the adapter can tell "changed", "a
 * retry that changes nothing", "not yours" and "no such message" apart without a second
 * round trip, and a retry racing its first attempt answers the committed state.
 */
import type { Pool } from 'pg';
import { ChatError } from '../../core/errors.js';
import type { MessageChange, MessageDeletion, MessageEdit } from '../../core/ports.js';
import { guarded } from './errors.js';

/** `a, b` as `alias.a, alias.b`: a RETURNING list where another table has the same names. */
export function qualified(columns: string, alias: string): string {
  return columns
    .split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');
}

/**
 * `current` takes the row lock first (a concurrent change is waited for, and its result is
 * what `current` reads), `change` updates under `condition` and answers the new row, and
 * the outer query answers the new row or, when nothing changed, the locked current one.
 * `also` adds statements that run only with a change (they join `change`): the rows that
 * hang off the message (mentions, reactions). Every change bumps `rev`, which orders
 * cached states (core/message-version.ts).
 */
function changeSql(columns: string, set: string, condition: string, also = ''): string {
  const updated = qualified(columns, 'm');
  return `
    WITH current AS (
      SELECT ${columns} FROM messages WHERE room_id = $1 AND seq = $2 FOR UPDATE
    ), change AS (
      UPDATE messages m SET ${set}
        FROM current c
       WHERE m.room_id = $1 AND m.seq = $2 AND ${condition}
      RETURNING ${updated}
    )${also}
    SELECT ${columns}, true AS changed FROM change
    UNION ALL
    SELECT ${columns}, false AS changed FROM current WHERE NOT EXISTS (SELECT 1 FROM change)`;
}

/**
 * `edited_at` is a millisecond later than the last edit's at least (the wire carries
 * milliseconds), so each edit's state is strictly later than the one before even when the
 * clock is not: caches order states by it (core/message-version.ts). clock_timestamp(), not
 * now(): the statement may have waited for the lock behind an edit that started after it.
 */
export const editSql = (columns: string) =>
  changeSql(
    columns,
    `content = $4, edited_at = GREATEST(date_trunc('milliseconds', clock_timestamp()),
       c.edited_at + interval '1 millisecond'), mentions = $5::text[], rev = c.rev + 1`,
    'c.user_id = $3 AND c.deleted_at IS NULL AND c.content <> $4',
    // The new content's mentions replace the old: users no longer named lose their row,
    // new ones gain one, the rest keep theirs (the two sets do not overlap), so a room's
    // unread-mention count follows the content as it reads now.
    `, unmentioned AS (
      DELETE FROM message_mentions mm USING change
       WHERE mm.room_id = $1 AND mm.seq = $2
         AND mm.user_id <> ALL (coalesce($5::text[], '{}'))
    ), mentioned AS (
      INSERT INTO message_mentions (room_id, user_id, seq)
      SELECT $1, u, $2 FROM change, unnest($5::text[]) AS u ON CONFLICT DO NOTHING
    )`,
  );

/**
 * What makes a row a tombstone: the content goes, and with it what hung off it (its
 * mentions, its reaction counts); it keeps who wrote what seq when, not what it said.
 * Shared with erasure (erasure-store.ts), so an erased user's messages are exactly what a
 * delete leaves. The table must be aliased `m`.
 */
export const TOMBSTONE_SET = `content = '', deleted_at = clock_timestamp(), mentions = NULL,
  reactions = NULL, attachments = NULL, rev = m.rev + 1`;

/**
 * The rows a tombstone no longer has, for a statement whose CTE `tombstoned` answers the
 * messages it made tombstones (`room_id`, `seq`).
 */
export const TOMBSTONE_ROWS = `, unreacted AS (
      DELETE FROM reactions r USING tombstoned t WHERE r.room_id = t.room_id AND r.seq = t.seq
    ), unmentioned AS (
      DELETE FROM message_mentions mm USING tombstoned t
       WHERE mm.room_id = t.room_id AND mm.seq = t.seq
    )`;

export const deleteSql = (columns: string) =>
  changeSql(
    columns,
    TOMBSTONE_SET,
    'c.deleted_at IS NULL AND (c.user_id = $3 OR $4::boolean)',
    `, tombstoned AS (SELECT room_id, seq FROM change)${TOMBSTONE_ROWS}`,
  );

/** What the adapter reads of the row itself; the rest is the caller's `toMessage`'s. */
type Row = { user_id: string; deleted_at: Date | null };

async function changeRow<R extends Row>(
  pool: Pool,
  sql: string,
  params: unknown[],
  where: { roomId: string; seq: number },
): Promise<R & { changed: boolean }> {
  const { rows } = await guarded(() => pool.query<R & { changed: boolean }>(sql, params));
  const row = rows[0];
  if (!row) throw new ChatError('not_found', `Room ${where.roomId} has no message ${where.seq}`);
  return row;
}

/** Edits as the port says: only the author's own message, never a tombstone. */
export async function editMessageRow<R extends Row>(
  pool: Pool,
  sql: string,
  toMessage: (row: R) => MessageChange['message'],
  edit: MessageEdit,
): Promise<MessageChange> {
  const { roomId, seq, editorId, content } = edit;
  const mentions = edit.mentions?.length ? edit.mentions : null;
  const row = await changeRow<R>(pool, sql, [roomId, seq, editorId, content, mentions], edit);
  if (!row.changed) {
    if (row.user_id !== editorId) {
      throw new ChatError('forbidden', 'You can only edit your own messages');
    }
    if (row.deleted_at !== null)
      throw new ChatError('forbidden', 'A deleted message cannot be edited');
  }
  return { message: toMessage(row), changed: row.changed };
}

/** Deletes as the port says: the author's own message, or any as a moderator. */
export async function deleteMessageRow<R extends Row>(
  pool: Pool,
  sql: string,
  toMessage: (row: R) => MessageChange['message'],
  deletion: MessageDeletion,
): Promise<MessageChange> {
  const { roomId, seq, actorId, asModerator } = deletion;
  const row = await changeRow<R>(pool, sql, [roomId, seq, actorId, asModerator], deletion);
  if (!row.changed && row.user_id !== actorId && !asModerator) {
    throw new ChatError(
      'forbidden',
      "Only the room's owner or an admin can delete others' messages",
    );
  }
  return { message: toMessage(row), changed: row.changed };
}
