/**
 * Reading everything the record holds about one user, page by page (`npm run export-user`):
 * memberships with their read cursors, messages (tombstones included, so the export shows what was deleted when)
 * and the audit entries naming them. Every read is bounded, so a user with millions of
 * messages is written out without holding them in memory.
 */

import type { Pool } from 'pg';
import { storedAttachment } from '../../core/files.js';
import type { StoredAttachment } from '../../core/message.js';
import type { Role } from '../../core/room.js';
import { guarded } from './errors.js';
import { chunkRange, type ScanCursor } from './message-scan.js';

export interface ExportedMembership {
  roomId: string;
  role: Role;
  joinedAt: string;
  bannedAt?: string;
  bannedUntil?: string;
  banReason?: string;
  mutedAt?: string;
  mutedUntil?: string;
  /** The user's read cursor in the room: every message up to this seq they have read. */
  readSeq: number;
}

export interface ExportedMessage {
  roomId: string;
  seq: number;
  content: string;
  createdAt: string;
  editedAt?: string;
  deleted: boolean;
  /** What the message carries (metadata; the bytes are in the bucket, behind its links). */
  attachments?: StoredAttachment[];
}

/** A reaction the user put on a message (protocol v2). */
export interface ExportedReaction {
  roomId: string;
  seq: number;
  emoji: string;
  createdAt: string;
}

/** Where a page of reactions resumes: after this one, in (room, seq, emoji) order. */
export type ReactionKey = Pick<ExportedReaction, 'roomId' | 'seq' | 'emoji'>;

export interface ExportedAuditEntry {
  id: number;
  roomId: string;
  actorId: string;
  action: string;
  targetId?: string;
  detail: unknown;
  createdAt: string;
}

const iso = (d: Date | null) => (d === null ? undefined : d.toISOString());

/** Drops undefined fields, so the JSON says only what is there. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export class PostgresExportStore {
  constructor(private readonly pool: Pool) {}

  /** Memberships after `afterRoomId` ('' from the start), by room id. */
  async memberships(userId: string, afterRoomId: string, limit: number) {
    const { rows } = await guarded(() =>
      this.pool.query<{
        room_id: string;
        role: Role;
        joined_at: Date;
        banned_at: Date | null;
        banned_until: Date | null;
        ban_reason: string | null;
        muted_at: Date | null;
        muted_until: Date | null;
        read_seq: string;
      }>(
        `SELECT room_id, role, joined_at, banned_at, banned_until, ban_reason, muted_at, muted_until,
                read_seq
         FROM room_members WHERE user_id = $1 AND room_id > $2 ORDER BY room_id LIMIT $3`,
        [userId, afterRoomId, limit],
      ),
    );
    return rows.map(
      (r): ExportedMembership =>
        defined({
          roomId: r.room_id,
          role: r.role,
          joinedAt: r.joined_at.toISOString(),
          bannedAt: iso(r.banned_at),
          bannedUntil: iso(r.banned_until),
          banReason: r.ban_reason ?? undefined,
          mutedAt: iso(r.muted_at),
          mutedUntil: iso(r.muted_until),
          readSeq: Number(r.read_seq),
        }),
    );
  }

  /** The user's messages in one chunk of the scan (message-scan.ts), in key order. */
  async messages(
    userId: string,
    from: ScanCursor | undefined,
    chunkRows: number,
  ): Promise<{ messages: ExportedMessage[]; next: ScanCursor | undefined }> {
    return guarded(async () => {
      const range = await chunkRange(this.pool, from, chunkRows, 2);
      const { rows } = await this.pool.query<{
        room_id: string;
        seq: string;
        content: string;
        created_at: Date;
        edited_at: Date | null;
        deleted_at: Date | null;
        attachments: StoredAttachment[] | null;
      }>(
        `SELECT m.room_id, m.seq, m.content, m.created_at, m.edited_at, m.deleted_at,
                m.attachments
         FROM messages m WHERE m.user_id = $1 AND ${range.where}
         ORDER BY m.room_id, m.seq`,
        [userId, ...range.params],
      );
      const messages = rows.map(
        (r): ExportedMessage =>
          defined({
            roomId: r.room_id,
            seq: Number(r.seq),
            content: r.content,
            createdAt: r.created_at.toISOString(),
            editedAt: iso(r.edited_at),
            deleted: r.deleted_at !== null,
            attachments: r.attachments?.length ? r.attachments.map(storedAttachment) : undefined,
          }),
      );
      return { messages, next: range.next };
    });
  }

  /**
   * The user's reactions after `after` (none: from the start), in (room, seq, emoji)
   * order: the `reactions_user` index finds them, and each page sorts them again (an
   * export, not a hot path; a user has far fewer reactions than their rooms have rows).
   */
  async reactions(userId: string, after: ReactionKey | undefined, limit: number) {
    const { rows } = await guarded(() =>
      this.pool.query<{ room_id: string; seq: string; emoji: string; created_at: Date }>(
        `SELECT room_id, seq, emoji, created_at FROM reactions
         WHERE user_id = $1 AND (room_id, seq, emoji) > ($2, $3, $4)
         ORDER BY room_id, seq, emoji LIMIT $5`,
        [userId, after?.roomId ?? '', after?.seq ?? 0, after?.emoji ?? '', limit],
      ),
    );
    return rows.map(
      (r): ExportedReaction => ({
        roomId: r.room_id,
        seq: Number(r.seq),
        emoji: r.emoji,
        createdAt: r.created_at.toISOString(),
      }),
    );
  }

  /** Audit entries that name the user as actor or target, after `afterId`, by id. */
  async auditEntries(userId: string, afterId: number, limit: number) {
    const { rows } = await guarded(() =>
      this.pool.query<{
        id: string;
        room_id: string;
        actor_id: string;
        action: string;
        target_id: string | null;
        detail: unknown;
        created_at: Date;
      }>(
        `SELECT id, room_id, actor_id, action, target_id, detail, created_at FROM audit_log
         WHERE (target_id = $1 OR actor_id = $1) AND id > $2 ORDER BY id LIMIT $3`,
        [userId, afterId, limit],
      ),
    );
    return rows.map(
      (r): ExportedAuditEntry =>
        defined({
          id: Number(r.id),
          roomId: r.room_id,
          actorId: r.actor_id,
          action: r.action,
          targetId: r.target_id ?? undefined,
          detail: r.detail,
          createdAt: r.created_at.toISOString(),
        }),
    );
  }
}
