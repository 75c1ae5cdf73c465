/**
 * Translates AWS SDK errors (DynamoDB, SQS) into the core's errors: a service that cannot
 * serve now (throttled, 5xx, timed out, unreachable) becomes `StoreUnavailableError`;
 * anything else (a bad request, a missing table or queue: a bug or a misconfiguration)
 * is rethrown as it is.
 */
import { StoreUnavailableError } from '../core/errors.js';
import { UNAVAILABLE_NETWORK_CODES } from './network-errors.js';

const UNAVAILABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'RequestThrottled',
  'KmsThrottled',
  'InternalServerError',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  // The caller's deadline ended the request: the service did not answer in time.
  'AbortError',
]);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    UNAVAILABLE_NAMES.has(error.name) ||
    (typeof code === 'string' && UNAVAILABLE_NETWORK_CODES.has(code)) ||
    (status !== undefined && (status >= 500 || status === 429))
  );
}

/** Runs `run`, turning an unavailable `store` into `StoreUnavailableError`. */
export async function guardedAws<T>(store: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUnavailable(error)) throw new StoreUnavailableError(store, { cause: error });
    throw error;
  }
}
