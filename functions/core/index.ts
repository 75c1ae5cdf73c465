/** The chat core: pure logic over ports. Handlers and the local gateway wrap it. */
export { deleteMessage } from './actions/delete-message.js';
export { editMessage } from './actions/edit-message.js';
export { getHistory } from './actions/get-history.js';
export { joinRoom } from './actions/join-room.js';
export { leaveRoom } from './actions/leave-room.js';
export { markRead } from './actions/mark-read.js';
export { sendMessage } from './actions/send-message.js';
export type { ActionHandler, Reply } from './actions/types.js';
export {
  ChatError,
  ERROR_CODES,
  type ErrorCode,
  StoreUnavailableError,
  toClientError,
} from './errors.js';
export * from './frames.js';
export * from './limits.js';
export { dropConnection } from './membership.js';
export type { Caller, Message, RoomConnection } from './message.js';
export type * from './ports.js';
export * from './server-frames.js';
