/**
 * Size budgets for each Lambda bundle (minified JS, source map excluded, AWS SDK
 * included: see BUNDLING in parley-function.ts for why). A bundle over its budget fails
 * the tests. Route bundles are ~658 KB today: the SDK clients ~340 KB, ioredis 122 KB,
 * pg 70 KB; zod/mini keeps validation at 23 KB.
 */
import { AUTHORIZER_ENTRY, ROUTE_ENTRIES } from '../functions/route-table.js';

export const MIGRATION_ENTRY = 'migrate-on-deploy';

const KB = 1024;

export const BUNDLE_BUDGETS: Record<string, number> = {
  [AUTHORIZER_ENTRY]: 400 * KB,
  [MIGRATION_ENTRY]: 500 * KB,
  ...Object.fromEntries(Object.values(ROUTE_ENTRIES).map((entry) => [entry, 700 * KB])),
};
