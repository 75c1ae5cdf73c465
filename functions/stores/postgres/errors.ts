/** Translates `pg` errors into the core's errors; anything unrecognised is rethrown. */
import { ChatError } from '../../core/errors.js';
import { storeGuard } from '../store-errors.js';

/** SQLSTATE classes that mean "the server cannot serve now", not "your query is wrong". */
const UNAVAILABLE_SQLSTATE = [
  '08', // connection exception
  '53', // insufficient resources
  '57', // operator intervention (admin shutdown, cannot connect now)
  '58', // system error
];

export const UNIQUE_VIOLATION = '23505';
/**
 * The server refused the password. The pool re-reads the secret and retries once first
 * (pool.ts), so what still fails is a rotation caught half-way (the database already has
 * the new password, Secrets Manager not yet, or the other way round): retry later.
 */
export const INVALID_PASSWORD = '28P01';

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a `pg` failure means PostgreSQL cannot serve now (Node's network codes aside). */
function isPostgresUnavailable(error: unknown): boolean {
  const code = sqlState(error);
  if (code === INVALID_PASSWORD) return true;
  if (code && /^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATE.includes(code.slice(0, 2));
  const message = error instanceof Error ? error.message : '';
  // pg raises these without a code when the pool cannot get or keep a connection, or a
  // statement outlives the client's deadline (`query_timeout`: pool-options.ts).
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Query read timeout/i.test(
    message,
  );
}

/** Runs a query, turning "PostgreSQL is down" into `unavailable`. */
export const guarded = storeGuard('PostgreSQL', isPostgresUnavailable);

/**
 * Parley's own SQLSTATEs, raised by the schema's functions (migration 5) with a message
 * meant for the user: `PA403` refuses (not a member, banned, muted), `PA429` is slow mode,
 * its DETAIL the wait in ms, `PA400` a request it cannot take as asked (migration 6).
 */
export const REFUSED = 'PA403';
export const SLOW_MODE = 'PA429';
/** A request the record cannot take as asked (a `replyTo` it does not hold): `bad_request`. */
export const INVALID = 'PA400';

/** The client's error for a refusal the database raised, or undefined for any other error. */
export function refusalOf(error: unknown): ChatError | undefined {
  const code = sqlState(error);
  if (code !== REFUSED && code !== SLOW_MODE && code !== INVALID) return undefined;
  const message = error instanceof Error ? error.message : 'Refused';
  if (code === REFUSED) return new ChatError('forbidden', message, { cause: error });
  if (code === INVALID) return new ChatError('bad_request', message, { cause: error });
  const detail = Number((error as { detail?: unknown }).detail);
  // A wait the function did not state (it always does) is still a wait: one second.
  const retryAfterMs = Number.isFinite(detail) && detail > 0 ? Math.ceil(detail) : 1000;
  return new ChatError('rate_limited', message, { cause: error, retryAfterMs });
}
