/**
 * A local emulator of an API Gateway WebSocket API: Lambda handlers run in-process behind one
 * port that serves both the WebSocket and the `@connections` management API. See README.md.
 */
export type { BatchOptions, BatchResult } from './in-process-posts.js';
export { type InvokeOptions, LambdaRunner, LambdaTimeoutError } from './lambda-runner.js';
export type { LatencyRange } from './latency.js';
export { CLOSE, MAX_FRAME_BYTES, MAX_MESSAGE_BYTES } from './limits.js';
export type {
  Gateway,
  GatewayLog,
  GatewayOptions,
  HttpFallback,
  RuntimeLimits,
} from './options.js';
export { startGateway } from './server.js';
export type { ThrottleLimits } from './token-bucket.js';
export type {
  FrameWatcher,
  OpenOptions,
  OpenResult,
  VirtualConnections,
  WatchResult,
} from './virtual-connections.js';
