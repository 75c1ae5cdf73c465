/**
 * Size budgets for each Lambda bundle (minified JS, source map excluded, AWS SDK
 * included: see BUNDLING in parley-function.ts for why). A bundle over its budget fails
 * the tests. Message-route bundles are ~588 KB today: the AWS SDK ~268 KB (the SQS client
 * of the fan-out queue added 40 KB), ioredis 146 KB, pg 84 KB, Parley's own code ~30 KB;
 * zod/mini keeps validation at 23 KB. $connect needs
 * only DynamoDB (243 KB), the authorizer only jose and Secrets Manager (216 KB), and
 * $default only the Management API client (with the logger and zod/mini).
 */
import { FANOUT_WORKER } from '../functions/fanout-settings.js';
import { AUTHORIZER_ENTRY, ROUTE_ENTRIES } from '../functions/route-table.js';

export const MIGRATION_ENTRY = 'migrate-on-deploy';
/** Sets API Gateway's account CloudWatch role where missing (once per deploy). */
export const ACCOUNT_ROLE_ENTRY = 'api-gateway-account';

const KB = 1024;

export const BUNDLE_BUDGETS: Record<string, number> = {
  [AUTHORIZER_ENTRY]: 300 * KB,
  [MIGRATION_ENTRY]: 400 * KB,
  // The API Gateway client and the logger: ~234 KB.
  [ACCOUNT_ROLE_ENTRY]: 300 * KB,
  ...Object.fromEntries(Object.values(ROUTE_ENTRIES).map((entry) => [entry, 650 * KB])),
  // The stores like a message route, and the SQS client to hand back what it cannot post.
  [FANOUT_WORKER.entry]: 650 * KB,
  [ROUTE_ENTRIES.$connect]: 300 * KB,
  // $default answers with a sender alone (no pg, ioredis or DynamoDB).
  [ROUTE_ENTRIES.$default]: 300 * KB,
};
