/** The one error type the SDK rejects and emits with; code against `code`, not `message`. */
import type { SdkErrorCode, ServerErrorCode } from '../protocol/error-codes.js';

/**
 * API Gateway's limit on one WebSocket frame from a client (the local gateway enforces the
 * same): over it the server closes the connection with 1009. The SDK sends each request as
 * one frame, so it refuses a bigger one itself with `payload_too_large`.
 */
export { MAX_FRAME_BYTES } from '../protocol/frame-limits.js';

/** Codes the server sends in `error` frames (protocol.md "Error codes"). */
export type { ServerErrorCode };

/**
 * Codes the SDK itself raises:
 * - `timeout`: no reply within `requestTimeoutMs` while connected;
 * - `closed`: `close()` was called (or the client gave up after a refused token);
 * - `queue_full`: `maxQueuedSends` sends were already waiting for a connection;
 * - `disconnected`: a call was cut off by a dropped connection and is not retried.
 */
export type ClientErrorCode = SdkErrorCode;

/** A server code the SDK does not know yet still arrives, as a plain string. */
export type ParleyErrorCode = ServerErrorCode | ClientErrorCode | (string & {});

export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  /** On `rate_limited`: how long the server asks to wait before asking again. */
  readonly retryAfterMs?: number;

  constructor(
    readonly code: ParleyErrorCode,
    message: string,
    readonly requestId?: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): {
    name: string;
    code: string;
    message: string;
    requestId?: string;
    retryAfterMs?: number;
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.requestId === undefined ? {} : { requestId: this.requestId }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    };
  }
}

/** The `ParleyError` an `error` frame stands for. */
export function errorFromFrame(frame: {
  code: string;
  message: string;
  requestId?: string;
  retryAfterMs?: number;
}): ParleyError {
  // A server's retryAfterMs is a hint to honour, not to trust blindly: keep only a sane one.
  const wait = frame.retryAfterMs;
  const retryAfterMs =
    typeof wait === 'number' && Number.isFinite(wait) && wait >= 0 ? wait : undefined;
  return new ParleyError(
    frame.code,
    frame.message,
    frame.requestId,
    retryAfterMs === undefined ? undefined : { retryAfterMs },
  );
}

export function isParleyError(error: unknown, code?: ParleyErrorCode): error is ParleyError {
  return error instanceof ParleyError && (code === undefined || error.code === code);
}
