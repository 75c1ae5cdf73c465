/**
 * A member's row, as the room store (`RoomStore.getMember`) answers it: all that edits
 * and deletes need of room administration. A stand-in for the room store while it is
 * being wired in; it reads the same columns the same way (bans and mutes count only while
 * in force), so the store can replace it without a change in behaviour.
 */
import type { Pool } from 'pg';
import type { RoomStore } from '../../core/ports.js';
import type { Member, Role } from '../../core/room.js';
import { guarded } from './errors.js';

interface MemberRow {
  room_id: string;
  user_id: string;
  role: string;
  joined_at: Date;
  banned: boolean;
  banned_until: Date | null;
  ban_reason: string | null;
  muted: boolean;
  muted_until: Date | null;
}

const MEMBER_SQL = `
  SELECT m.room_id, m.user_id, m.role, m.joined_at,
    (m.banned_at IS NOT NULL AND (m.banned_until IS NULL OR m.banned_until > now())) AS banned,
    m.banned_until, m.ban_reason,
    (m.muted_at IS NOT NULL AND (m.muted_until IS NULL OR m.muted_until > now())) AS muted,
    m.muted_until
  FROM room_members m WHERE m.room_id = $1 AND m.user_id = $2`;

function toMember(row: MemberRow): Member {
  const member: Member = {
    roomId: row.room_id,
    userId: row.user_id,
    role: row.role as Role,
    joinedAt: row.joined_at.toISOString(),
  };
  if (row.banned) {
    member.banned = true;
    if (row.banned_until !== null) member.bannedUntil = row.banned_until.toISOString();
    if (row.ban_reason !== null) member.banReason = row.ban_reason;
  }
  if (row.muted) {
    member.muted = true;
    if (row.muted_until !== null) member.mutedUntil = row.muted_until.toISOString();
  }
  return member;
}

export class PostgresMemberLookup implements Pick<RoomStore, 'getMember'> {
  constructor(private readonly pool: Pool) {}

  async getMember(roomId: string, userId: string): Promise<Member | undefined> {
    const { rows } = await guarded(() => this.pool.query<MemberRow>(MEMBER_SQL, [roomId, userId]));
    return rows[0] && toMember(rows[0]);
  }
}
