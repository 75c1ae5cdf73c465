/**
 * The one translator of store failures into the core's errors, used by every adapter.
 * Each vendor brings a recogniser of its failures that mean "cannot serve now" (throttled,
 * failing over, timed out); those, and Node's network failures whichever client raised
 * them, become `StoreUnavailableError` (the client is told `unavailable`: retry later).
 * A `ChatError` is already translated and passes as it is; anything else (a bug, a
 * misconfiguration) is rethrown untouched, never swallowed.
 */
import { ChatError, StoreUnavailableError } from '../core/errors.js';

/** Whether a vendor's failure means its store cannot serve now. */
export type UnavailableRecogniser = (error: unknown) => boolean;

/** Node's codes for a server that cannot be reached or dropped the connection. */
const UNAVAILABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** A failure to reach a server or keep the connection, from any client. */
export function isNetworkFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UNAVAILABLE_NETWORK_CODES.has(code);
}

/** What to throw for `error`, raised by `store`'s client. */
export function translateStoreError(
  store: string,
  isUnavailable: UnavailableRecogniser,
  error: unknown,
): unknown {
  if (error instanceof ChatError) return error;
  if (isNetworkFailure(error) || isUnavailable(error)) {
    return new StoreUnavailableError(store, { cause: error });
  }
  return error;
}

/** Runs one call to a store, translating its failures. */
export type StoreGuard = <T>(run: () => Promise<T>) => Promise<T>;

/** The guard of `store`: every call of its adapter runs through it. */
export function storeGuard(store: string, isUnavailable: UnavailableRecogniser): StoreGuard {
  return async (run) => {
    try {
      return await run();
    } catch (error) {
      throw translateStoreError(store, isUnavailable, error);
    }
  };
}
