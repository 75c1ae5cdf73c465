/**
 * The Parley client SDK for browsers and Node.js. See client/README.md.
 *
 * @example
 * ```ts
 * import { connect } from './client/index.js';
 * const client = connect({ url: 'ws://127.0.0.1:3001', token: () => fetchToken() });
 * client.on('message', (m) => console.log(m.seq, m.userId, m.content));
 * await client.join('general');
 * await client.send('general', 'hello');
 * ```
 */
export { Backoff } from './backoff.js';
export {
  type ConnectOptions,
  connect,
  type ParleyClient,
  type ParleyEvents,
  type SendOptions,
} from './client.js';
export { DEFAULT_FRAME_FORMAT, type FrameFormat } from './compact.js';
export {
  type ClientErrorCode,
  isParleyError,
  MAX_FRAME_BYTES,
  ParleyError,
  type ParleyErrorCode,
  type ServerErrorCode,
} from './errors.js';
export { timeOrderedId } from './ids.js';
export type { PresenceApi } from './presence.js';
export { applyReaction, type ReactionApi } from './reactions.js';
export type { ReadStateApi } from './read-state.js';
export type { RoomApi } from './room-calls.js';
export type {
  SocketCloseEvent,
  SocketMessageEvent,
  WebSocketConstructor,
  WebSocketLike,
} from './socket.js';
export type {
  BanOptions,
  ConnectionState,
  CreateRoomOptions,
  HistoryResult,
  JoinResult,
  Member,
  MemberChange,
  MemberUpdateEvent,
  Message,
  MessageDeletedEvent,
  PageOptions,
  PresenceEntry,
  PresenceEvent,
  PresenceStatus,
  Reaction,
  ReactionEvent,
  ReadEvent,
  ReadStateEvent,
  ReconnectOptions,
  RemovedEvent,
  Role,
  Room,
  RoomChanges,
  RoomDetails,
  RoomKind,
  RoomSummary,
  RoomsPage,
  TypingEvent,
  TypingUsersEvent,
  Visibility,
} from './types.js';
export type { TypingApi, TypingOptions } from './typing.js';
