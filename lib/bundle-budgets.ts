/**
 * Size budgets for each Lambda bundle (minified JS, source map excluded, AWS SDK
 * included: see BUNDLING in parley-function.ts for why). A bundle over its budget fails
 * the tests. Message-route bundles carry the AWS SDK, ioredis and pg, far more than
 * Parley's own code; $connect needs only DynamoDB, the authorizer only jose and Secrets
 * Manager, and $default only the Management API client (with the logger and zod/mini).
 * What each weighed: docs/decisions/2026-12-06-bundles.md.
 */
import { FANOUT_WORKER } from '../functions/fanout-settings.js';
import {
  AUTHORIZER_ENTRY,
  MAINTENANCE_FUNCTIONS,
  ROUTE_ENTRIES,
} from '../functions/route-table.js';
import { THUMBNAIL_WORKER_ENTRY } from './files-bucket.js';

export const MIGRATION_ENTRY = 'migrate-on-deploy';
/** Sets API Gateway's account CloudWatch role where missing (once per deploy). */
export const ACCOUNT_ROLE_ENTRY = 'api-gateway-account';

const KB = 1024;

export const BUNDLE_BUDGETS: Record<string, number> = {
  [AUTHORIZER_ENTRY]: 300 * KB,
  [MIGRATION_ENTRY]: 400 * KB,
  // The API Gateway client and the logger.
  [ACCOUNT_ROLE_ENTRY]: 300 * KB,
  ...Object.fromEntries(Object.values(ROUTE_ENTRIES).map((entry) => [entry, 670 * KB])),
  // The stores like a message route, and the SQS client to hand back what it cannot post.
  [FANOUT_WORKER.entry]: 650 * KB,
  // The stores, as a message route, without posting.
  [MAINTENANCE_FUNCTIONS.retentionPurge.entry]: 650 * KB,
  [MAINTENANCE_FUNCTIONS.eraseUser.entry]: 650 * KB,
  [ROUTE_ENTRIES.$connect]: 300 * KB,
  // $default answers with a sender alone (no pg, ioredis or DynamoDB).
  [ROUTE_ENTRIES.$default]: 300 * KB,
  // The S3 client and the logger; sharp is beside the bundle, not in it (files-bucket.ts).
  [THUMBNAIL_WORKER_ENTRY]: 400 * KB,
};
