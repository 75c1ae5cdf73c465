/** Rooms and their members as they travel on the wire (protocol v2, "Rooms and membership"). */

export const ROLES = ['owner', 'admin', 'member'] as const;
export type Role = (typeof ROLES)[number];

export type Visibility = 'public' | 'private';
export type RoomKind = 'room' | 'dm';

export interface Room {
  roomId: string;
  /** Absent until someone names the room. */
  name?: string;
  visibility: Visibility;
  kind: RoomKind;
  encrypted: boolean;
  /** Absent for rooms whose creator the record does not know. */
  createdBy?: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  lastSeq: number;
  /** Seconds a member (not an owner or admin) waits between two messages; 0 is off. */
  slowModeSec: number;
  /** Messages older than this many days are purged; absent keeps them for ever. */
  retentionDays?: number;
}

export interface Member {
  roomId: string;
  userId: string;
  role: Role;
  /** ISO 8601 UTC. */
  joinedAt: string;
  /** Present while banned; `bannedUntil` absent means until unbanned. */
  banned?: true;
  bannedUntil?: string;
  banReason?: string;
  /** Present while muted; `mutedUntil` absent means until unmuted. */
  muted?: true;
  mutedUntil?: string;
  /** Only on the answer to `remove_member`: the member row is gone. */
  removed?: true;
  /** On `get_room`'s members: their read cursor (docs/protocol.md, "Read state (v2)"). */
  readSeq?: number;
}

/** A room as `list_rooms` shows it to one of its members. */
export interface RoomSummary extends Room {
  role: Role;
  /** The caller's read cursor: every message up to this seq counts as read. */
  readSeq: number;
  /** `lastSeq - readSeq`. */
  unread: number;
  /** Unread messages that mention the caller (`@userId`), not deleted. */
  unreadMentions: number;
  /** The newest message, when the room has one. */
  lastMessage?: import('./message.js').Message;
}

/** owner > admin > member. */
export function roleRank(role: Role): number {
  return role === 'owner' ? 3 : role === 'admin' ? 2 : 1;
}
