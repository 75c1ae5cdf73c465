/** PostgreSQL's rows of rooms and members, and the wire shapes they become. */
import { ChatError } from '../../core/errors.js';
import type { Member, Role, Room, RoomKind, Visibility } from '../../core/room.js';

export const ROOM_COLUMNS =
  'r.id, r.name, r.visibility, r.kind, r.encrypted, r.created_by, r.created_at, r.last_seq, ' +
  'r.slow_mode_sec, r.retention_days';

export interface RoomRow {
  id: string;
  name: string | null;
  visibility: string;
  kind: string;
  encrypted: boolean;
  created_by: string | null;
  created_at: Date;
  last_seq: string;
  slow_mode_sec: number;
  retention_days: number | null;
}

export function toRoom(row: RoomRow): Room {
  const room: Room = {
    roomId: row.id,
    visibility: row.visibility as Visibility,
    kind: row.kind as RoomKind,
    encrypted: row.encrypted,
    createdAt: row.created_at.toISOString(),
    lastSeq: Number(row.last_seq),
    slowModeSec: row.slow_mode_sec,
  };
  if (row.name !== null) room.name = row.name;
  if (row.created_by !== null) room.createdBy = row.created_by;
  if (row.retention_days !== null) room.retentionDays = row.retention_days;
  return room;
}

/**
 * A ban or mute holds while it has started and not ended; one that has ended is as if it
 * never was (the member is a member again), so nothing has to sweep expired ones.
 */
export const MEMBER_COLUMNS = `m.room_id, m.user_id, m.role, m.joined_at,
  (m.banned_at IS NOT NULL AND (m.banned_until IS NULL OR m.banned_until > now())) AS banned,
  m.banned_until, m.ban_reason,
  (m.muted_at IS NOT NULL AND (m.muted_until IS NULL OR m.muted_until > now())) AS muted,
  m.muted_until`;

/** The SQL condition "this member row is not banned now". */
export const NOT_BANNED = '(m.banned_at IS NULL OR m.banned_until <= now())';

export interface MemberRow {
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

export function toMember(row: MemberRow): Member {
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

/** Opaque page cursors: base64url of the JSON of where the next page starts. */
export function encodeCursor(position: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** The position a cursor holds, or `bad_request` for one this server did not make. */
export function decodeCursor(cursor: string, arity: number): unknown[] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(value) && value.length === arity) return value;
  } catch {
    // Refused below.
  }
  throw new ChatError('bad_request', 'cursor is not one this server gave');
}
