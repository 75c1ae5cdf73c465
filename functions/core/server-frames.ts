/** Frames the server sends, exactly as `protocol.md` names their fields. */
import type { ErrorCode } from './errors.js';
import type { Message } from './message.js';
import type { Member, Role, Room, RoomSummary } from './room.js';

export interface RoomHistoryFrame {
  type: 'room_history';
  roomId: string;
  messages: Message[];
  hasMore: boolean;
  /**
   * The lowest seq the room's history still holds, present once a retention purge has
   * removed older messages: nothing below it will ever be served (docs/protocol.md,
   * "Retention and erasure (v2)").
   */
  firstSeq?: number;
  /**
   * On `join_room` replies only: who is online, the joiner first, at most `onlineListMax`
   * user ids and 16 KiB of them (see `online-list.ts`).
   */
  online?: string[];
  /** On `join_room` replies only: how many users are online in the room. */
  onlineCount?: number;
  lastSeq?: number;
  /** On `join_room` replies only: the joiner's read cursor and `lastSeq - readSeq`. */
  readSeq?: number;
  unread?: number;
  /** On `join_room` replies only, present when the room is end-to-end encrypted. */
  encrypted?: true;
  requestId?: string;
}

export interface LeftFrame {
  type: 'left';
  roomId: string;
  requestId?: string;
}

export interface AckFrame {
  type: 'ack';
  message: Message;
  requestId?: string;
}

export interface NewMessageFrame {
  type: 'new_message';
  message: Message;
}

/** What a user shows: online, away or do-not-disturb, or gone (protocol v2 adds the middle two). */
export type PresenceStatus = 'online' | 'away' | 'dnd' | 'offline';

export interface PresenceFrame {
  type: 'presence';
  roomId: string;
  userId: string;
  status: PresenceStatus;
  /** The user's status text, when they set one (`set_status`). */
  text?: string;
  /** On `offline`: when the user was last seen, ISO 8601 UTC. */
  lastSeen?: string;
}

/** One user in a `presence_list`. */
export interface PresenceEntry {
  userId: string;
  status: PresenceStatus;
  text?: string;
  /** ISO 8601 UTC; present when `offline` and known. */
  lastSeen?: string;
}

/** The answer to `get_presence`. */
export interface PresenceListFrame {
  type: 'presence_list';
  roomId: string;
  users: PresenceEntry[];
  requestId?: string;
}

/** The answer to `set_status`: the status as stored. */
export interface StatusFrame {
  type: 'status';
  status: Exclude<PresenceStatus, 'offline'>;
  text?: string;
  requestId?: string;
}

/** The answer to `ping`: the connection counts as alive for another presence TTL. */
export interface PongFrame {
  type: 'pong';
  requestId?: string;
}

/** To a room's connections: a member is typing, or stopped. Never stored. */
export interface TypingFrame {
  type: 'typing';
  roomId: string;
  userId: string;
  state: 'start' | 'stop';
}

/**
 * The answer to `mark_read`, and to the user's other connections in the room when their
 * cursor moves, so every device shows the same unread count.
 */
export interface ReadStateFrame {
  type: 'read_state';
  roomId: string;
  readSeq: number;
  unread: number;
  requestId?: string;
}

/** A read receipt, to the room's connections (rooms up to a size limit). */
export interface ReadFrame {
  type: 'read';
  roomId: string;
  userId: string;
  seq: number;
}

/** To a room's connections: someone added (`on`) or took back a reaction. */
export interface ReactionFrame {
  type: 'reaction';
  roomId: string;
  seq: number;
  userId: string;
  emoji: string;
  on: boolean;
}

/**
 * A big room's presence: how many users are online, sent instead of a `presence` frame
 * per user, at most once per period (see core/presence.ts).
 */
export interface PresenceCountFrame {
  type: 'presence_count';
  roomId: string;
  online: number;
}

export interface ErrorFrame {
  type: 'error';
  code: ErrorCode;
  message: string;
  /** On `rate_limited`: how long to wait before asking again. */
  retryAfterMs?: number;
  requestId?: string;
}

/** The answer to `create_room`, `get_room`, `update_room` and `open_dm`. */
export interface RoomFrame {
  type: 'room';
  room: Room;
  /** The caller's role, when they are a member. */
  role?: Role;
  /** On `get_room`: a page of members, by user id. */
  members?: Member[];
  /** On `get_room`: where the next page of members starts, when there is one. */
  membersCursor?: string;
  requestId?: string;
}

/** The answer to `list_rooms`: the caller's rooms, newest activity first. */
export interface RoomsFrame {
  type: 'rooms';
  rooms: RoomSummary[];
  cursor?: string;
  requestId?: string;
}

/** The answer to `add_member`, `remove_member`, `set_role`, `ban`/`unban`, `mute`/`unmute`. */
export interface MemberFrame {
  type: 'member';
  member: Member;
  requestId?: string;
}

export type MemberUpdateChange =
  | 'added'
  | 'removed'
  | 'role'
  | 'banned'
  | 'unbanned'
  | 'muted'
  | 'unmuted';

/** To a room's connections: a member's standing changed. */
export interface MemberUpdateFrame {
  type: 'member_update';
  roomId: string;
  userId: string;
  role?: Role;
  change: MemberUpdateChange;
}

/**
 * To each live connection of a user who was removed from or banned in a room (or left it
 * for good from another device): nothing more from the room follows.
 */
export interface RemovedFrame {
  type: 'removed';
  roomId: string;
  reason: 'removed' | 'banned' | 'left';
}

/** To a room's connections: a message was edited. */
export interface MessageUpdatedFrame {
  type: 'message_updated';
  message: Message;
}

/** To a room's connections: a message became a tombstone (its seq stays). */
export interface MessageDeletedFrame {
  type: 'message_deleted';
  roomId: string;
  seq: number;
}

/** One search hit: the message as it is now, and its text around the matches. */
export interface SearchResult {
  message: Message;
  /** Matches between U+E000 and U+E001 (search-frames.ts, `HIGHLIGHT_START`). */
  highlight: string;
}

/** The answer to `search_messages`: best first; `cursor` asks for the next page. */
export interface SearchResultsFrame {
  type: 'search_results';
  results: SearchResult[];
  cursor?: string;
  requestId?: string;
}

/** The answer to `request_upload`: send `method` to `url` with exactly `headers`. */
export interface UploadFrame {
  type: 'upload';
  uploadId: string;
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  /** ISO 8601 UTC: the signature's end; the PUT must start before it. */
  expiresAt: string;
  requestId?: string;
}

export type ReplyFrame =
  | RoomHistoryFrame
  | LeftFrame
  | AckFrame
  | ErrorFrame
  | RoomFrame
  | RoomsFrame
  | MemberFrame
  | ReadStateFrame
  | StatusFrame
  | PresenceListFrame
  | PongFrame
  | SearchResultsFrame
  | UploadFrame;
export type ServerFrame =
  | ReplyFrame
  | NewMessageFrame
  | PresenceFrame
  | PresenceCountFrame
  | MemberUpdateFrame
  | RemovedFrame
  | MessageUpdatedFrame
  | MessageDeletedFrame
  | TypingFrame
  | ReadFrame
  | ReactionFrame;

/** Adds the request's `requestId` to a reply when it had one. */
export function withRequestId<F extends ReplyFrame>(frame: F, requestId: string | undefined): F {
  return requestId === undefined ? frame : { ...frame, requestId };
}
