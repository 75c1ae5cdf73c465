/** Translates DynamoDB SDK errors into the core's errors; anything else is rethrown. */
import { guardedAws } from '../aws-sdk-errors.js';

export function guarded<T>(run: () => Promise<T>): Promise<T> {
  return guardedAws('DynamoDB', run);
}
