/** Translates SQS SDK errors into the core's errors; anything else is rethrown. */
import { guardedAws } from '../aws-sdk-errors.js';

export function guardedSqs<T>(run: () => Promise<T>): Promise<T> {
  return guardedAws('fan-out queue', run);
}
