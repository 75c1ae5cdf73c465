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
  decryptBytes,
  decryptText,
  deriveRoomKey,
  encryptBytes,
  encryptText,
  exportRoomKey,
  generateRoomKey,
  importRoomKey,
  isCiphertext,
  PBKDF2_ITERATIONS,
  type RoomKey,
} from './crypto.js';
export {
  type ClientErrorCode,
  isParleyError,
  MAX_FRAME_BYTES,
  ParleyError,
  type ParleyErrorCode,
  type ServerErrorCode,
} from './errors.js';
export {
  type FileApi,
  formatFileSize,
  type UploadBytes,
  type UploadedFile,
  type UploadOptions,
  type UploadSource,
} from './files.js';
export { timeOrderedId } from './ids.js';
export {
  decodePayload,
  ENCRYPTED_UPLOAD,
  encodePayload,
  type MessagePayload,
  openMessage,
  type SealedFile,
  sealMessage,
} from './message-payload.js';
export type { PresenceApi } from './presence.js';
export { applyReaction, type ReactionApi } from './reactions.js';
export type { ReadStateApi } from './read-state.js';
export type { RoomApi } from './room-calls.js';
export { ENCRYPTED_TEXT_MAX_BYTES } from './room-keys.js';
export {
  HIGHLIGHT_END,
  HIGHLIGHT_START,
  type HighlightSegment,
  highlightSegments,
  type SearchApi,
  type SearchOptions,
  type SearchPage,
} from './search.js';
export type {
  SocketCloseEvent,
  SocketMessageEvent,
  WebSocketConstructor,
  WebSocketLike,
} from './socket.js';
export type {
  Attachment,
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
  SearchResult,
  TypingEvent,
  TypingUsersEvent,
  UploadTicket,
  Visibility,
} from './types.js';
export type { TypingApi, TypingOptions } from './typing.js';
