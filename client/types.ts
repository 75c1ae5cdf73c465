/**
 * The wire shapes the SDK reads and writes (protocol.md, version 1, and the version 2
 * additions it speaks: rooms, membership, edits and deletes, read state, typing, presence,
 * reactions and threads) and the SDK's public option
 * and result types. Declared here, not imported from functions/ (the server's
 * `Message` is the same shape), so the SDK stands alone: it can be copied or published
 * without the server's sources, and the wire contract is what keeps the two in step.
 */

/** A stored chat message, as it travels on the wire. */
export interface Message {
  id: string;
  roomId: string;
  /** The room's sequence number: starts at 1, grows by exactly 1, no gaps. */
  seq: number;
  userId: string;
  content: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  clientMsgId?: string;
  /** ISO 8601 UTC: the content was edited then (the latest edit). */
  editedAt?: string;
  /** A tombstone: the message was deleted, `content` is empty, the seq stays. */
  deleted?: true;
  /** The seq of the message this one replies to, in the same room. */
  replyTo?: number;
  /** User ids named as `@userId` in the content, as the server parsed them. */
  mentions?: string[];
  /** The current reaction counts; `me`: you are one of them. */
  reactions?: Reaction[];
  /** Changes since the send (edits, the delete, reactions): the higher is newer. Absent: 0. */
  rev?: number;
  /** Files the message carries; the links are short-lived (ask again for fresh ones). */
  attachments?: Attachment[];
}

/** A file a message carries. */
export interface Attachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  url: string;
  thumbnailUrl?: string;
}

/** One search hit; matches in `highlight` sit between U+E000 and U+E001. */
export interface SearchResult {
  message: Message;
  highlight: string;
}

/** A signed upload: send `method` to `url` with exactly `headers` before `expiresAt`. */
export interface UploadTicket {
  uploadId: string;
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

/** One emoji's reactions on a message. */
export interface Reaction {
  emoji: string;
  count: number;
  me: boolean;
}

/** owner > admin > member. */
export type Role = 'owner' | 'admin' | 'member';
export type Visibility = 'public' | 'private';
export type RoomKind = 'room' | 'dm';

/** A room's settings, as `create_room`, `get_room`, `update_room` and `open_dm` answer them. */
export interface Room {
  roomId: string;
  /** Absent until someone names the room. */
  name?: string;
  visibility: Visibility;
  kind: RoomKind;
  encrypted: boolean;
  /** Absent for rooms whose creator the server does not know. */
  createdBy?: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  lastSeq: number;
  /** Seconds a member (not an owner or admin) waits between two messages; 0 is off. */
  slowModeSec: number;
  /** Messages older than this many days are purged; absent keeps them for ever. */
  retentionDays?: number;
}

/** One member of a room, as the membership and moderation calls answer it. */
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
  /** Only on the answer to `removeMember`: the member is gone. */
  removed?: true;
  /** The member's read cursor (every message up to it read), when the server gives it. */
  readSeq?: number;
}

/** A room as `listRooms` shows it to one of its members. */
export interface RoomSummary extends Room {
  role: Role;
  /** Your read cursor: every message up to this seq counts as read. */
  readSeq: number;
  /** `lastSeq - readSeq`. */
  unread: number;
  /** Unread messages that mention you (`@yourId`), not deleted. */
  unreadMentions: number;
  /** The newest message, when the room has one. */
  lastMessage?: Message;
}

/** `client.getRoom()`: the room, the caller's role in it and a page of its members. */
export interface RoomDetails {
  room: Room;
  /** The caller's role, when they are a member. */
  role?: Role;
  /** A page of members, by user id. */
  members: Member[];
  /** Where the next page of members starts (pass it as `cursor`), when there is one. */
  membersCursor?: string;
}

/** `client.listRooms()`: a page of the caller's rooms, newest activity first. */
export interface RoomsPage {
  rooms: RoomSummary[];
  /** Where the next page starts (pass it as `cursor`), when there is one. */
  cursor?: string;
}

export type MemberChange =
  | 'added'
  | 'removed'
  | 'role'
  | 'banned'
  | 'unbanned'
  | 'muted'
  | 'unmuted';

/** Someone's standing in a joined room changed. */
export interface MemberUpdateEvent {
  roomId: string;
  userId: string;
  role?: Role;
  change: MemberChange;
}

/** This user was removed from or banned in a room, or left it for good from elsewhere. */
export interface RemovedEvent {
  roomId: string;
  reason: 'removed' | 'banned' | 'left';
}

/** A message became a tombstone; its seq stays. */
export interface MessageDeletedEvent {
  roomId: string;
  seq: number;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type PresenceStatus = 'online' | 'away' | 'dnd' | 'offline';

export interface PresenceEvent {
  roomId: string;
  userId: string;
  status: PresenceStatus;
  /** The user's status text, when they set one. */
  text?: string;
  /** On `offline`: when the user was last seen, ISO 8601 UTC. */
  lastSeen?: string;
}

/** One user in a room's presence list (`client.getPresence()`). */
export interface PresenceEntry {
  userId: string;
  status: PresenceStatus;
  text?: string;
  /** ISO 8601 UTC; present when `offline` and known. */
  lastSeen?: string;
}

/** Your read state in a room: the cursor and what is left to read. */
export interface ReadStateEvent {
  roomId: string;
  readSeq: number;
  unread: number;
}

/** A read receipt: `userId` has read the room up to `seq`. */
export interface ReadEvent {
  roomId: string;
  userId: string;
  seq: number;
}

/** Someone started or stopped typing in a room. */
export interface TypingEvent {
  roomId: string;
  userId: string;
  state: 'start' | 'stop';
}

/** The users typing in a room now, but you (`client.typingUsers()`), whenever it changes. */
export interface TypingUsersEvent {
  roomId: string;
  users: string[];
}

/** Someone added (`on`) or took back a reaction to a message. */
export interface ReactionEvent {
  roomId: string;
  seq: number;
  userId: string;
  emoji: string;
  on: boolean;
}

/** `client.history()`: one page of a room's history, ascending seq. */
export interface HistoryResult {
  roomId: string;
  messages: Message[];
  /** More messages exist in the direction asked (older for `before`/newest, newer for `after`). */
  hasMore: boolean;
  /**
   * The lowest seq the room still holds, present once a retention purge removed older
   * messages: asking before it answers nothing.
   */
  firstSeq?: number;
}

/** `client.join()`: the join reply. */
export interface JoinResult extends HistoryResult {
  /**
   * User ids with a connection in the room, the joiner included; in a big room only some
   * of them (the server lists at most 100), `onlineCount` says how many in all.
   */
  online: string[];
  /** How many users are online in the room, the joiner included. */
  onlineCount: number;
  /** The room's highest seq when the reply was made. */
  lastSeq: number;
  /** Your read cursor in the room, and `lastSeq - readSeq`. */
  readSeq?: number;
  unread?: number;
  /** Present when the room is end-to-end encrypted: send only with its key set. */
  encrypted?: true;
}

/** Frames the server sends (protocol.md "Server to client"). */
export type ServerFrame =
  | ({ type: 'room_history'; requestId?: string } & HistoryResult & Partial<JoinResult>)
  | { type: 'left'; roomId: string; requestId?: string }
  | { type: 'ack'; message: Message; requestId?: string }
  | { type: 'new_message'; message: Message }
  | ({ type: 'presence' } & PresenceEvent)
  | { type: 'presence_count'; roomId: string; online: number }
  | {
      type: 'error';
      code: string;
      message: string;
      /** On `rate_limited`: how long to wait before asking again. */
      retryAfterMs?: number;
      requestId?: string;
    }
  | ({ type: 'room'; requestId?: string } & Omit<RoomDetails, 'members'> & {
        members?: Member[];
      })
  | ({ type: 'rooms'; requestId?: string } & RoomsPage)
  | { type: 'member'; member: Member; requestId?: string }
  | ({ type: 'member_update' } & MemberUpdateEvent)
  | ({ type: 'removed' } & RemovedEvent)
  | { type: 'message_updated'; message: Message }
  | ({ type: 'message_deleted' } & MessageDeletedEvent)
  | ({ type: 'read_state'; requestId?: string } & ReadStateEvent)
  | ({ type: 'read' } & ReadEvent)
  | ({ type: 'typing' } & TypingEvent)
  | ({ type: 'reaction' } & ReactionEvent)
  | {
      type: 'status';
      status: Exclude<PresenceStatus, 'offline'>;
      text?: string;
      requestId?: string;
    }
  | { type: 'presence_list'; roomId: string; users: PresenceEntry[]; requestId?: string }
  | { type: 'pong'; requestId?: string }
  | { type: 'search_results'; results: SearchResult[]; cursor?: string; requestId?: string }
  | ({ type: 'upload'; requestId?: string } & UploadTicket);

/** Frames the client sends (protocol.md "Client to server"), before `requestId` is added. */
export type ClientFrame =
  | { action: 'join_room'; roomId: string; since?: number; limit?: number }
  | { action: 'leave_room'; roomId: string }
  | {
      action: 'send_message';
      roomId: string;
      content: string;
      clientMsgId: string;
      replyTo?: number;
      attachments?: string[];
    }
  | { action: 'get_history'; roomId: string; before?: number; after?: number; limit?: number }
  | { action: 'edit_message'; roomId: string; seq: number; content: string }
  | { action: 'delete_message'; roomId: string; seq: number }
  | ({ action: 'create_room'; roomId: string } & CreateRoomOptions)
  | ({ action: 'get_room'; roomId: string } & PageOptions)
  | ({ action: 'list_rooms' } & PageOptions)
  | ({ action: 'update_room'; roomId: string } & RoomChanges)
  | { action: 'add_member'; roomId: string; userId: string; role?: 'admin' | 'member' }
  | { action: 'remove_member'; roomId: string; userId: string }
  | { action: 'set_role'; roomId: string; userId: string; role: Role }
  | ({ action: 'ban'; roomId: string; userId: string } & BanOptions)
  | { action: 'unban'; roomId: string; userId: string }
  | { action: 'mute'; roomId: string; userId: string; durationSec?: number }
  | { action: 'unmute'; roomId: string; userId: string }
  | { action: 'open_dm'; userId: string }
  | { action: 'mark_read'; roomId: string; seq: number }
  | { action: 'typing'; roomId: string; state: 'start' | 'stop' }
  | { action: 'set_status'; status: Exclude<PresenceStatus, 'offline'>; text?: string }
  | { action: 'get_presence'; roomId: string }
  | { action: 'ping' }
  | { action: 'react'; roomId: string; seq: number; emoji: string; on: boolean }
  | { action: 'get_thread'; roomId: string; seq: number; after?: number; limit?: number }
  | { action: 'search_messages'; query: string; roomId?: string; limit?: number; cursor?: string }
  | {
      action: 'request_upload';
      roomId: string;
      fileName: string;
      contentType: string;
      size: number;
    };

export interface CreateRoomOptions {
  name?: string;
  /** Default `public`. */
  visibility?: Visibility;
  encrypted?: boolean;
}

export interface PageOptions {
  /** A `cursor` or `membersCursor` from the previous page. */
  cursor?: string;
  limit?: number;
}

/** `client.updateRoom()`: only the fields given change. */
export interface RoomChanges {
  name?: string;
  visibility?: Visibility;
  slowModeSec?: number;
  /** `null` keeps messages for ever. */
  retentionDays?: number | null;
  /** Set by `createRoom` and never changed: the server refuses it here. */
  encrypted?: never;
}

export interface BanOptions {
  reason?: string;
  /** Leave out for a ban until `unban`. */
  durationSec?: number;
}

export interface ReconnectOptions {
  /** The first retry's delay cap. Default 250. */
  initialDelayMs?: number;
  /** The largest delay cap. Default 15 000. */
  maxDelayMs?: number;
  /** How much the cap grows per failed attempt. Default 2. */
  factor?: number;
}
