/**
 * A local emulator of an API Gateway WebSocket API: Lambda handlers run in-process behind one
 * port that serves both the WebSocket and the `@connections` management API. See README.md.
 */
export { CLOSE, MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from './limits.js';
export type { Gateway, GatewayLog, GatewayOptions, HttpFallback } from './options.js';
export { startGateway } from './server.js';
