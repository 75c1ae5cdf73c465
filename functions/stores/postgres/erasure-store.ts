/**
 * Erasing a user from the record (`npm run erase-user`, the erase-user Lambda): their
 * memberships go (the last owner of a room hands it on first), their messages become
 * tombstones exactly as a delete leaves them, and `audit_log` records each step. Each step
 * is bounded and can be run again: a run cut short is finished by the next.
 */
import type { Pool, PoolClient } from 'pg';
import { successorOwner } from '../../core/erasure.js';
import type { Role } from '../../core/room.js';
import { guarded } from './errors.js';
import { TOMBSTONE_ROWS, TOMBSTONE_SET } from './message-changes.js';
import { chunkRange, type ScanCursor } from './message-scan.js';
import { recountSql } from './reactions.js';
import { inTransaction } from './transaction.js';

/** `audit_log.room_id` of a record about the user across every room. */
export const ALL_ROOMS = '*';

export interface MembershipErasure {
  /** Rooms the user was in (banned from included), and their role there. */
  left: { roomId: string; role: Role }[];
  /** Rooms whose last owner the user was, and who owns them now (none: left ownerless). */
  handedOver: { roomId: string; to?: string }[];
}

/** An attachment of one of the user's messages: its objects are found from these. */
export interface ErasedAttachment {
  roomId: string;
  id: string;
  contentType: string;
}

export interface MessageChunk {
  /** Messages this chunk made tombstones. */
  erased: number;
  /** Attachments those messages carried until then (the statement read the old values). */
  attachments: number;
  /** Rooms they were in: their cached windows must go. */
  rooms: string[];
  /** Where the next chunk starts; undefined when the scan is done. */
  next: ScanCursor | undefined;
}

export class PostgresErasureStore {
  constructor(private readonly pool: Pool) {}

  /** One transaction: hand rooms on, delete the member rows, audit each room. */
  eraseMemberships(userId: string, actorId: string): Promise<MembershipErasure> {
    return inTransaction(this.pool, async (db) => {
      const { rows } = await db.query<{ room_id: string; role: Role }>(
        `SELECT room_id, role FROM room_members WHERE user_id = $1 ORDER BY room_id FOR UPDATE`,
        [userId],
      );
      const result: MembershipErasure = { left: [], handedOver: [] };
      for (const { room_id: roomId, role } of rows) {
        result.left.push({ roomId, role });
        if (role !== 'owner') continue;
        // The room's other members, locked in user order as changeMember locks them, so
        // a concurrent set_role either finishes first (and is seen) or waits.
        const others = await db.query<{
          user_id: string;
          role: Role;
          joined_at: Date;
          banned: boolean;
        }>(
          `SELECT user_id, role, joined_at,
             (banned_at IS NOT NULL AND (banned_until IS NULL OR banned_until > now())) AS banned
           FROM room_members WHERE room_id = $1 AND user_id <> $2
           ORDER BY user_id FOR UPDATE`,
          [roomId, userId],
        );
        const members = others.rows.map((m) => ({
          userId: m.user_id,
          role: m.role,
          joinedAt: m.joined_at.toISOString(),
          ...(m.banned ? { banned: true as const } : {}),
        }));
        if (members.some((m) => m.role === 'owner' && !m.banned)) continue;
        const to = successorOwner(members);
        result.handedOver.push(to === undefined ? { roomId } : { roomId, to });
        if (to === undefined) continue;
        await db.query(
          `UPDATE room_members SET role = 'owner' WHERE room_id = $1 AND user_id = $2`,
          [roomId, to],
        );
        await audit(db, roomId, actorId, 'set_role', to, {
          role: 'owner',
          reason: 'erase_user',
          from: userId,
        });
      }
      await db.query('DELETE FROM room_members WHERE user_id = $1', [userId]);
      // Where others named them, in any room (a mention need not be of a member): the rows
      // only fed their own unread-mention counts. Found by the `message_mentions_user`
      // index; the others' content, which still says @them, is the others' and stays.
      await db.query('DELETE FROM message_mentions WHERE user_id = $1', [userId]);
      for (const { roomId, role } of result.left) {
        await audit(db, roomId, actorId, 'erase_user', userId, { role });
      }
      return result;
    });
  }

  /**
   * Makes the user's messages in one chunk of the scan tombstones (one statement). When
   * `beforeTombstones` is given, it is first handed the attachments those messages carry
   * (a read) and the tombstones are written only once it resolves: their objects go first,
   * so a failure there leaves the messages as they were, and a rerun finds them again.
   */
  async eraseMessages(
    userId: string,
    from: ScanCursor | undefined,
    chunkRows: number,
    beforeTombstones?: (attachments: ErasedAttachment[]) => Promise<void>,
  ): Promise<MessageChunk> {
    return guarded(async () => {
      const range = await chunkRange(this.pool, from, chunkRows, 2);
      const mine = `m.user_id = $1 AND m.deleted_at IS NULL AND ${range.where}`;
      if (beforeTombstones) {
        const attached = await this.pool.query<ErasedAttachment>(
          `SELECT m.room_id AS "roomId", a->>'id' AS id, a->>'contentType' AS "contentType"
             FROM messages m CROSS JOIN LATERAL jsonb_array_elements(m.attachments) a
            WHERE ${mine} AND m.attachments IS NOT NULL`,
          [userId, ...range.params],
        );
        await beforeTombstones(attached.rows);
      }
      // `old` reads each row's attachments before the UPDATE clears them: RETURNING
      // would answer the new (NULL) value.
      const { rows } = await this.pool.query<{
        room_id: string;
        erased: string;
        attachments: string;
      }>(
        `WITH old AS (
           SELECT m.room_id, m.seq, coalesce(jsonb_array_length(m.attachments), 0) AS attachments
             FROM messages m WHERE ${mine} FOR UPDATE
         ), tombstoned AS (
           UPDATE messages m SET ${TOMBSTONE_SET}
             FROM old o WHERE m.room_id = o.room_id AND m.seq = o.seq
           RETURNING m.room_id, m.seq, o.attachments
         )${TOMBSTONE_ROWS}
         SELECT room_id, count(*) AS erased, sum(attachments) AS attachments
           FROM tombstoned GROUP BY room_id`,
        [userId, ...range.params],
      );
      return {
        erased: rows.reduce((sum, r) => sum + Number(r.erased), 0),
        attachments: rows.reduce((sum, r) => sum + Number(r.attachments), 0),
        rooms: rows.map((r) => r.room_id),
        next: range.next,
      };
    });
  }

  /**
   * Takes back up to `limit` of the user's reactions (on others' messages: their own
   * became tombstones, which keep none) and recounts those messages, bumping their `rev`,
   * in one statement. Answers the rooms touched; none once the user has no reactions left.
   * The rows are found by the `reactions_user` index.
   */
  async eraseReactions(userId: string, limit: number): Promise<{ rooms: string[] }> {
    return guarded(async () => {
      const { rows } = await this.pool.query<{ room_id: string }>(
        `WITH gone AS (
           DELETE FROM reactions r
            WHERE (r.room_id, r.seq, r.emoji, r.user_id) IN (
              SELECT room_id, seq, emoji, user_id FROM reactions WHERE user_id = $1 LIMIT $2)
           RETURNING r.room_id, r.seq, r.emoji
         ), per_message AS (
           SELECT room_id, seq, array_agg(emoji) AS emojis FROM gone GROUP BY room_id, seq
         ), recounted AS (
           UPDATE messages m
              SET reactions = ${recountSql('m.reactions', '-1', { anyOf: 'p.emojis' })},
                  rev = m.rev + 1
             FROM per_message p
            WHERE m.room_id = p.room_id AND m.seq = p.seq
           RETURNING m.room_id
         )
         SELECT DISTINCT room_id FROM recounted`,
        [userId, limit],
      );
      return { rooms: rows.map((r) => r.room_id) };
    });
  }

  /** The record that the erasure finished, with what it did. */
  async recordErasure(userId: string, actorId: string, detail: object): Promise<void> {
    await guarded(() => audit(this.pool, ALL_ROOMS, actorId, 'erase_user', userId, detail));
  }
}

async function audit(
  db: Pick<Pool, 'query'> | PoolClient,
  roomId: string,
  actorId: string,
  action: string,
  targetId: string,
  detail: object,
): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (room_id, actor_id, action, target_id, detail) VALUES ($1, $2, $3, $4, $5)',
    [roomId, actorId, action, targetId, detail],
  );
}
