/**
 * The error codes a client can receive: the server's rows of the one error table
 * (protocol/error-codes.ts), which also says which are worth retrying.
 * Code against `code`; `message` is for people.
 */
import { SERVER_ERROR_CODES, type ServerErrorCode } from '../../protocol/error-codes.js';

export const ERROR_CODES = SERVER_ERROR_CODES;

export type ErrorCode = ServerErrorCode;

/** An error that reaches a client as an `error` frame. */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  readonly code: ErrorCode;
  /** On `rate_limited`: how long to wait before asking again. */
  readonly retryAfterMs?: number;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options);
    this.code = code;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): { code: ErrorCode; message: string; retryAfterMs?: number } {
    return this.retryAfterMs === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, retryAfterMs: this.retryAfterMs };
  }
}

/**
 * A backing store could not be reached or refused to serve. Adapters throw this so the
 * client gets `unavailable` (retry later) and never a vendor message or stack trace.
 */
export class StoreUnavailableError extends ChatError {
  readonly store: string;

  constructor(store: string, options?: { cause?: unknown }) {
    super('unavailable', `The ${store} store is unavailable; retry later`, options);
    this.store = store;
  }
}

/** Turns anything thrown into the code and message a client may see. */
export function toClientError(error: unknown): ChatError {
  if (error instanceof ChatError) return error;
  return new ChatError('internal', 'Internal error', { cause: error });
}

/**
 * The fan-out queue took only part of what it was handed: `notQueued` are the jobs it
 * refused (the others are queued), so the caller can say exactly what was lost or retry
 * just those.
 */
export class QueueRefusedError extends StoreUnavailableError {
  readonly notQueued: readonly import('./ports.js').FanoutJob[];

  constructor(notQueued: readonly import('./ports.js').FanoutJob[], options?: { cause?: unknown }) {
    super('fan-out queue', options);
    this.notQueued = notQueued;
  }
}
