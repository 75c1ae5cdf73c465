/**
 * Recognises the AWS SDK failures (DynamoDB, SQS) that mean the service cannot serve now:
 * throttled, 5xx, timed out. Anything else (a bad request, a missing table or queue: a bug
 * or a misconfiguration) is not, and store-errors.ts rethrows it as it is.
 */
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

export function isAwsUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    UNAVAILABLE_NAMES.has(error.name) || (status !== undefined && (status >= 500 || status === 429))
  );
}
