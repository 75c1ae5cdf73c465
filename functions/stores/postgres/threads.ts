/**
 * Threads in PostgreSQL (protocol v2, `get_thread`): the direct replies to one message, by
 * the partial index `messages_thread (room_id, reply_to, seq) WHERE reply_to IS NOT NULL`,
 * so a page costs O(limit) whatever the room's size or the thread's length.
 */
import type { Pool } from 'pg';
import { ChatError } from '../../core/errors.js';
import type { Message } from '../../core/message.js';
import type { HistoryPage } from '../../core/ports.js';
import { guarded } from './errors.js';

/**
 * The thread's root and a page of its replies in one statement (one snapshot): no row at
 * all means the room has no such seq; a root with no replies answers one row of NULLs.
 */
const threadSql = (columns: string) => `
  SELECT r.*
    FROM messages p
    LEFT JOIN LATERAL (
      SELECT ${columns} FROM messages
       WHERE room_id = p.room_id AND reply_to = p.seq AND seq > $3
       ORDER BY seq LIMIT $4
    ) r ON true
   WHERE p.room_id = $1 AND p.seq = $2`;

export async function threadPage<R extends { id: string | null }>(
  pool: Pool,
  columns: string,
  toMessage: (row: R) => Message,
  roomId: string,
  seq: number,
  query: { after?: number; limit: number },
): Promise<HistoryPage> {
  const { rows } = await guarded(() =>
    pool.query<R>(threadSql(columns), [roomId, seq, query.after ?? 0, query.limit + 1]),
  );
  if (rows.length === 0) throw new ChatError('not_found', `Room ${roomId} has no message ${seq}`);
  const replies = rows.filter((r): r is R & { id: string } => r.id !== null);
  return {
    messages: replies.slice(0, query.limit).map(toMessage),
    hasMore: replies.length > query.limit,
  };
}
