/**
 * The read cursor in PostgreSQL (`room_members.read_seq`, migration 6): one statement that
 * moves it forward and answers it, so the adapter tells "moved", "already there", "not a
 * member" and "no such room" apart without a second round trip.
 */
import type { Pool } from 'pg';
import { ChatError } from '../../core/errors.js';
import type { ReadMark } from '../../core/ports.js';
import { guarded } from './errors.js';

/**
 * `member` takes the row lock first, so it reads the cursor as the last concurrent mark or
 * send left it; `moved` writes only a later seq (clamped to the room's last seq, and
 * `GREATEST` besides: the cursor never moves back). No row: no such room.
 */
const MARK_READ_SQL = `
  WITH room AS (
    SELECT last_seq FROM rooms WHERE id = $1
  ), member AS (
    SELECT read_seq,
           banned_at IS NOT NULL AND (banned_until IS NULL OR banned_until > now()) AS banned
      FROM room_members WHERE room_id = $1 AND user_id = $2
       FOR UPDATE
  ), moved AS (
    UPDATE room_members m SET read_seq = GREATEST(m.read_seq, LEAST($3::bigint, room.last_seq))
      FROM member, room
     WHERE m.room_id = $1 AND m.user_id = $2 AND NOT member.banned
       AND LEAST($3::bigint, room.last_seq) > member.read_seq
    RETURNING m.read_seq
  )
  SELECT room.last_seq, member.read_seq, member.banned,
         (SELECT read_seq FROM moved) AS moved_to
    FROM room LEFT JOIN member ON true`;

interface MarkRow {
  last_seq: string;
  read_seq: string | null;
  banned: boolean | null;
  moved_to: string | null;
}

export async function markReadRow(
  pool: Pool,
  roomId: string,
  userId: string,
  seq: number,
): Promise<ReadMark> {
  const { rows } = await guarded(() => pool.query<MarkRow>(MARK_READ_SQL, [roomId, userId, seq]));
  const row = rows[0];
  if (!row) throw new ChatError('not_found', `Room ${roomId} does not exist`);
  if (row.read_seq === null) throw new ChatError('forbidden', `You are not a member of ${roomId}`);
  if (row.banned) throw new ChatError('forbidden', `You are banned from ${roomId}`);
  const lastSeq = Number(row.last_seq);
  if (row.moved_to !== null) return { readSeq: Number(row.moved_to), lastSeq, moved: true };
  return { readSeq: Number(row.read_seq), lastSeq, moved: false };
}
