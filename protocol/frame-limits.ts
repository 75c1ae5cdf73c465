/**
 * API Gateway's WebSocket size limits, which the wire protocol inherits: the server sizes
 * its replies to them, the local gateway enforces them, and the SDK refuses a request that
 * would break them. Pure data with no imports (see error-codes.ts).
 */

/** One WebSocket frame from a client: over it the connection is closed with 1009. */
export const MAX_FRAME_BYTES = 32 * 1024;

/** One message from a client (all its frames), and one PostToConnection to a client. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
