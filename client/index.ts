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
} from './client.js';
export {
  type ClientErrorCode,
  isParleyError,
  MAX_FRAME_BYTES,
  ParleyError,
  type ParleyErrorCode,
  type ServerErrorCode,
} from './errors.js';
export { timeOrderedId } from './ids.js';
export type {
  SocketCloseEvent,
  SocketMessageEvent,
  WebSocketConstructor,
  WebSocketLike,
} from './socket.js';
export type {
  ConnectionState,
  HistoryResult,
  JoinResult,
  Message,
  PresenceEvent,
  PresenceStatus,
  ReconnectOptions,
} from './types.js';
