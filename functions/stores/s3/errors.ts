/** Translates S3 SDK errors into the core's errors; anything else is rethrown. */
import { isAwsUnavailable } from '../aws-sdk-errors.js';
import { storeGuard } from '../store-errors.js';

export const guardedS3 = storeGuard('object storage', isAwsUnavailable);

/** A HEAD or GET of a key that holds no object (HEAD answers a bare 404: `NotFound`). */
export function isMissingObject(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata
    ?.httpStatusCode;
  const name = (error as { name?: unknown } | null)?.name;
  return status === 404 || name === 'NotFound' || name === 'NoSuchKey';
}
