/** Translates DynamoDB SDK errors into the core's errors; anything else is rethrown. */
import { isAwsUnavailable } from '../aws-sdk-errors.js';
import { storeGuard } from '../store-errors.js';

export const guarded = storeGuard('DynamoDB', isAwsUnavailable);
