/** Frames the server sends, exactly as `protocol.md` names their fields. */
import type { ErrorCode } from './errors.js';
import type { Message } from './message.js';

export interface RoomHistoryFrame {
  type: 'room_history';
  roomId: string;
  messages: Message[];
  hasMore: boolean;
  /**
   * On `join_room` replies only: who is online, the joiner first, at most `onlineListMax`
   * user ids and 16 KiB of them (see `online-list.ts`).
   */
  online?: string[];
  /** On `join_room` replies only: how many users are online in the room. */
  onlineCount?: number;
  lastSeq?: number;
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

export interface PresenceFrame {
  type: 'presence';
  roomId: string;
  userId: string;
  status: 'online' | 'offline';
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
  requestId?: string;
}

export type ReplyFrame = RoomHistoryFrame | LeftFrame | AckFrame | ErrorFrame;
export type ServerFrame = ReplyFrame | NewMessageFrame | PresenceFrame | PresenceCountFrame;

/** Adds the request's `requestId` to a reply when it had one. */
export function withRequestId<F extends ReplyFrame>(frame: F, requestId: string | undefined): F {
  return requestId === undefined ? frame : { ...frame, requestId };
}
