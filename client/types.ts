/**
 * The wire shapes the SDK reads and writes (protocol.md, version 1) and the SDK's public
 * option and result types. Declared here, not imported from functions/ (the server's
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
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type PresenceStatus = 'online' | 'offline';

export interface PresenceEvent {
  roomId: string;
  userId: string;
  status: PresenceStatus;
}

/** `client.history()`: one page of a room's history, ascending seq. */
export interface HistoryResult {
  roomId: string;
  messages: Message[];
  /** More messages exist in the direction asked (older for `before`/newest, newer for `after`). */
  hasMore: boolean;
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
}

/** Frames the server sends (protocol.md "Server to client"). */
export type ServerFrame =
  | ({ type: 'room_history'; requestId?: string } & HistoryResult & Partial<JoinResult>)
  | { type: 'left'; roomId: string; requestId?: string }
  | { type: 'ack'; message: Message; requestId?: string }
  | { type: 'new_message'; message: Message }
  | ({ type: 'presence' } & PresenceEvent)
  | { type: 'presence_count'; roomId: string; online: number }
  | { type: 'error'; code: string; message: string; requestId?: string };

/** Frames the client sends (protocol.md "Client to server"), before `requestId` is added. */
export type ClientFrame =
  | { action: 'join_room'; roomId: string; since?: number; limit?: number }
  | { action: 'leave_room'; roomId: string }
  | { action: 'send_message'; roomId: string; content: string; clientMsgId: string }
  | { action: 'get_history'; roomId: string; before?: number; after?: number; limit?: number };

export interface ReconnectOptions {
  /** The first retry's delay cap. Default 250. */
  initialDelayMs?: number;
  /** The largest delay cap. Default 15 000. */
  maxDelayMs?: number;
  /** How much the cap grows per failed attempt. Default 2. */
  factor?: number;
}
