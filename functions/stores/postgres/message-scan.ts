/**
 * Walking every message in primary-key order, a bounded chunk at a time, to find one
 * user's. `messages` has no index on user_id on purpose (every send would pay for it:
 * docs/decisions/2026-12-06-retention.md), so erasure and export, which are rare, scan:
 * each statement reads at most `chunkRows` index entries, so none runs long or holds a
 * snapshot for long, and a caller can stop between chunks and resume from the cursor.
 */
import type { Pool, PoolClient } from 'pg';

/** A position in (room_id, seq) order: the last key a chunk covered. */
export interface ScanCursor {
  roomId: string;
  seq: number;
}

/** `$1` is the user; the chunk's bounds follow from `$2`. */
export interface ChunkRange {
  /** SQL condition on `m.room_id, m.seq` for the chunk. */
  where: string;
  params: unknown[];
  /** Where the next chunk starts; undefined when this one reaches the end. */
  next: ScanCursor | undefined;
}

const after = (i: number) => `(m.room_id, m.seq) > ($${i}, $${i + 1})`;

/**
 * The chunk that starts after `from` (the beginning when undefined) and spans at most
 * `chunkRows` messages of any user. Parameter numbering starts at `firstParam`.
 */
export async function chunkRange(
  db: Pick<Pool | PoolClient, 'query'>,
  from: ScanCursor | undefined,
  chunkRows: number,
  firstParam: number,
): Promise<ChunkRange> {
  const lower = from ? [from.roomId, from.seq] : [];
  const { rows } = await db.query<{ room_id: string; seq: string }>(
    `SELECT m.room_id, m.seq FROM messages m
     ${from ? `WHERE ${after(1)}` : ''}
     ORDER BY m.room_id, m.seq OFFSET $${lower.length + 1} LIMIT 1`,
    [...lower, chunkRows - 1],
  );
  const end = rows[0];
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (from) {
    conditions.push(after(firstParam));
    params.push(from.roomId, from.seq);
  }
  if (end) {
    const i = firstParam + params.length;
    conditions.push(`(m.room_id, m.seq) <= ($${i}, $${i + 1})`);
    params.push(end.room_id, end.seq);
  }
  return {
    where: conditions.length ? conditions.join(' AND ') : 'true',
    params,
    next: end ? { roomId: end.room_id, seq: Number(end.seq) } : undefined,
  };
}
