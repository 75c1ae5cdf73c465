/** Translates SQS SDK errors into the core's errors; anything else is rethrown. */
import { isAwsUnavailable } from '../aws-sdk-errors.js';
import { storeGuard } from '../store-errors.js';

export const guardedSqs = storeGuard('fan-out queue', isAwsUnavailable);
