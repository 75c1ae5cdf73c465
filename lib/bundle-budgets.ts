/**
 * Size budgets for each Lambda bundle (minified JS, source map excluded). A bundle over
 * its budget fails the tests: size is cold-start time. The performance issue tightens
 * these towards 300 KB; today most of each bundle is the AWS SDK clients, pg and ioredis.
 */
import { AUTHORIZER_ENTRY, ROUTE_ENTRIES } from '../functions/route-table.js';

export const MIGRATION_ENTRY = 'migrate-on-deploy';

const KB = 1024;

export const BUNDLE_BUDGETS: Record<string, number> = {
  [AUTHORIZER_ENTRY]: 400 * KB,
  [MIGRATION_ENTRY]: 1000 * KB,
  ...Object.fromEntries(Object.values(ROUTE_ENTRIES).map((entry) => [entry, 1300 * KB])),
};
