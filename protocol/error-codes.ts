/**
 * Every error code a Parley client can meet, with what it means and whether asking again
 * later may succeed: the one table the server's `ERROR_CODES` (functions/core/errors.ts),
 * the SDK's retry set (client/client.ts) and docs/protocol.md's "Error codes" derive from
 * (a test holds the doc to it). Pure data with no imports, so the Lambda code and the
 * browser SDK can both import it; the SDK's wire types are otherwise copied on purpose.
 *
 * `raisedBy`: `server` codes arrive in `error` frames; `sdk` codes are raised by the
 * client itself and never sent.
 */
export const ERROR_TABLE = {
  bad_request: { raisedBy: 'server', retryable: false, meaning: 'malformed or invalid request' },
  unknown_action: { raisedBy: 'server', retryable: false, meaning: '`action` names no route' },
  unauthorized: { raisedBy: 'server', retryable: false, meaning: 'no authenticated user' },
  forbidden: { raisedBy: 'server', retryable: false, meaning: 'not joined, private or banned' },
  not_found: { raisedBy: 'server', retryable: false, meaning: 'the room does not exist' },
  payload_too_large: { raisedBy: 'server', retryable: false, meaning: 'content too long' },
  rate_limited: { raisedBy: 'server', retryable: true, meaning: 'too many requests' },
  conflict: { raisedBy: 'server', retryable: true, meaning: 'a concurrent operation won' },
  unavailable: { raisedBy: 'server', retryable: true, meaning: 'a backing store is down' },
  internal: { raisedBy: 'server', retryable: true, meaning: 'a bug; no internals shown' },
  timeout: { raisedBy: 'sdk', retryable: true, meaning: 'no reply in requestTimeoutMs' },
  closed: { raisedBy: 'sdk', retryable: false, meaning: 'close() was called' },
  queue_full: { raisedBy: 'sdk', retryable: false, meaning: 'maxQueuedSends are waiting' },
  disconnected: { raisedBy: 'sdk', retryable: false, meaning: 'cut off by a dropped connection' },
} as const satisfies Record<string, ErrorRow>;

export interface ErrorRow {
  raisedBy: 'server' | 'sdk';
  /** Whether the same request, asked again later, may succeed. */
  retryable: boolean;
  meaning: string;
}

type Table = typeof ERROR_TABLE;
type CodeRaisedBy<R> = {
  [C in keyof Table]: Table[C]['raisedBy'] extends R ? C : never;
}[keyof Table];

/** Codes the server sends in `error` frames. */
export type ServerErrorCode = CodeRaisedBy<'server'>;
/** Codes the SDK raises itself. */
export type SdkErrorCode = CodeRaisedBy<'sdk'>;
export type AnyErrorCode = keyof Table;

function codesWhere(keep: (row: ErrorRow) => boolean): AnyErrorCode[] {
  return (Object.keys(ERROR_TABLE) as AnyErrorCode[]).filter((code) => keep(ERROR_TABLE[code]));
}

/** The server's codes, in the table's order. */
export const SERVER_ERROR_CODES = codesWhere(
  (row) => row.raisedBy === 'server',
) as readonly ServerErrorCode[];

/** Codes after which asking again later may succeed. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set(codesWhere((row) => row.retryable));
