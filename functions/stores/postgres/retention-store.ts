/**
 * The retention purge's reads and writes (core/retention-purge.ts) in PostgreSQL. Each
 * call is one statement or one short transaction over at most a batch of rows, so a purge
 * of a room with years of history never holds a lock or a snapshot for long.
 */
import type { Pool } from 'pg';
import type { RetentionRoom, RetentionStore } from '../../core/ports.js';
import type { AgedSeq } from '../../core/retention.js';
import { guarded } from './errors.js';
import { inTransaction } from './transaction.js';

export class PostgresRetentionStore implements RetentionStore {
  constructor(private readonly pool: Pool) {}

  async roomsWithRetention(afterRoomId: string, limit: number): Promise<RetentionRoom[]> {
    const { rows } = await guarded(() =>
      this.pool.query<{ id: string; retention_days: number }>(
        `SELECT id, retention_days FROM rooms
         WHERE retention_days IS NOT NULL AND id > $1
         ORDER BY id LIMIT $2`,
        [afterRoomId, limit],
      ),
    );
    return rows.map((r) => ({ roomId: r.id, retentionDays: r.retention_days }));
  }

  async oldestMessages(roomId: string, limit: number): Promise<AgedSeq[]> {
    // The primary key (room_id, seq) serves it: O(limit), whatever the room's size.
    const { rows } = await guarded(() =>
      this.pool.query<{ seq: string; created_at: Date }>(
        `SELECT seq, created_at FROM messages WHERE room_id = $1 ORDER BY seq LIMIT $2`,
        [roomId, limit],
      ),
    );
    return rows.map((r) => ({ seq: Number(r.seq), createdAtMs: r.created_at.getTime() }));
  }

  async purgeBelow(roomId: string, firstSeq: number): Promise<number> {
    return inTransaction(this.pool, async (db) => {
      // The room row first: it orders this against a concurrent purge and an update_room;
      // a send waits on it for the length of one batch's delete. GREATEST: never back.
      await db.query('UPDATE rooms SET first_seq = GREATEST(first_seq, $2) WHERE id = $1', [
        roomId,
        firstSeq,
      ]);
      const { rowCount } = await db.query('DELETE FROM messages WHERE room_id = $1 AND seq < $2', [
        roomId,
        firstSeq,
      ]);
      return rowCount ?? 0;
    });
  }
}
