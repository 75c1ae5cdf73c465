/**
 * The Socket.IO peer's event contract, shared by the server and the client helper. It mirrors
 * Parley's actions (docs/protocol.md) as Socket.IO events with acknowledgements: the event
 * name is the action, the payload is the frame without `action`, and the ack is the reply.
 */

/** A stored message. `seq` is the table's bigserial `id`: global, not per room. */
export interface PeerMessage {
  id: number;
  roomId: string;
  seq: number;
  userId: string;
  content: string;
  createdAt: string;
  clientMsgId?: string;
}

export interface JoinRoomRequest {
  roomId: string;
  /** Send what came after this seq instead of the newest messages. */
  since?: number;
  limit?: number;
  requestId?: string;
}

export interface SendMessageRequest {
  roomId: string;
  content: string;
  clientMsgId?: string;
  requestId?: string;
}

export interface GetHistoryRequest {
  roomId: string;
  before?: number;
  after?: number;
  limit?: number;
  requestId?: string;
}

export interface LeaveRoomRequest {
  roomId: string;
  requestId?: string;
}

export interface RoomHistoryReply {
  type: 'room_history';
  roomId: string;
  /** Ascending `seq`. */
  messages: PeerMessage[];
  hasMore: boolean;
  /** On `join_room` replies only: user ids present in the room, the joiner included. */
  online?: string[];
  requestId?: string;
}

export interface AckReply {
  type: 'ack';
  message: PeerMessage;
  requestId?: string;
}

export interface LeftReply {
  type: 'left';
  roomId: string;
  requestId?: string;
}

export type ErrorCode = 'bad_request' | 'forbidden' | 'unavailable' | 'internal';

export interface ErrorReply {
  type: 'error';
  code: ErrorCode;
  message: string;
  requestId?: string;
}

export interface NewMessageEvent {
  type: 'new_message';
  message: PeerMessage;
}

export interface PresenceEvent {
  type: 'presence';
  roomId: string;
  userId: string;
  status: 'online' | 'offline';
}

/** Request payload and reply for each client event. */
export interface PeerRequests {
  join_room: { payload: JoinRoomRequest; reply: RoomHistoryReply | ErrorReply };
  send_message: { payload: SendMessageRequest; reply: AckReply | ErrorReply };
  get_history: { payload: GetHistoryRequest; reply: RoomHistoryReply | ErrorReply };
  leave_room: { payload: LeaveRoomRequest; reply: LeftReply | ErrorReply };
}

export type PeerRequestName = keyof PeerRequests;

/** Events the server pushes to clients. */
export interface ServerToClientEvents {
  new_message: (event: NewMessageEvent) => void;
  presence: (event: PresenceEvent) => void;
}
