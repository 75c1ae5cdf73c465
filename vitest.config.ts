import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { testPlan } from './test/support/redis-plan.js';

// Files that cannot run on this machine (no Redis and no redis-server, CI unset) are left
// out, and the global setup names them in its one-line notice; in CI nothing is left out.
const { notRun } = testPlan(path.dirname(fileURLToPath(import.meta.url)));

/**
 * Five projects, told apart by a file's name (and `cdk` and `browser` by their directory):
 * - `unit` (`*.test.ts`): no services, no sockets, no child processes, no global setup;
 *   `npm run test:unit` starts in seconds, and passes with no network at all.
 * - `integration` (`*.integration.test.ts`): PostgreSQL, Redis and dynalite from the global
 *   setup, or servers and processes of the file's own. Files run in parallel: each keeps
 *   to its own Redis key prefix, rooms, connection ids, roles and databases, and each runs
 *   in a process of its own (the forks pool), so what one writes to process.env stays there.
 * - `cdk` (`test/lib/`, as lib/ is the CDK app): the stack synthesized and every Lambda
 *   bundled; no services either, but a minute of CPU, so kept out of `unit`.
 * - `browser` (`test/web/`): integration files that drive the page in Chromium; the same
 *   global setup, a project of their own so that CI's offline run, which proves the global
 *   setup works with no network, need not drive a browser again (test-projects record).
 * - `load` (`*.load.test.ts`): files whose clients must not wait behind another file's
 *   work (hundreds of connections on Lambda-like timeouts, the fault suite, the fuzzer):
 *   after the other two, one file at a time, on the same services.
 */
const UNIT = 'test/**/*.test.ts';
const INTEGRATION = 'test/**/*.integration.test.ts';
const LOAD = 'test/**/*.load.test.ts';
const CDK = 'test/lib/**/*.test.ts';
const BROWSER = 'test/web/**/*.integration.test.ts';

const TIMEOUTS = { testTimeout: 30_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    // Integration files mostly wait on sockets and services, so two run at once even on
    // two cores (Vitest's default there is one). Measured in
    // docs/decisions/2026-12-06-test-projects.md.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default'],
    // Handlers log through Powertools; tests want only errors on the console.
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
    projects: [
      {
        test: {
          name: 'unit',
          include: [UNIT],
          ...TIMEOUTS,
          exclude: [...configDefaults.exclude, INTEGRATION, LOAD, CDK],
        },
      },
      {
        test: {
          name: 'integration',
          include: [INTEGRATION],
          exclude: [...configDefaults.exclude, ...notRun, BROWSER],
          globalSetup: ['test/support/global-setup.ts'],
          // Concurrent tests (the authorization matrix's cells) mostly wait on the stores.
          maxConcurrency: 16,
          ...TIMEOUTS,
        },
      },
      {
        test: {
          name: 'browser',
          include: [BROWSER],
          exclude: [...configDefaults.exclude, ...notRun],
          globalSetup: ['test/support/global-setup.ts'],
          ...TIMEOUTS,
        },
      },
      {
        test: { name: 'cdk', include: [CDK], ...TIMEOUTS },
      },
      {
        test: {
          name: 'load',
          include: [LOAD],
          exclude: [...configDefaults.exclude, ...notRun],
          // The same services as `integration`: the global setup starts them once per run.
          globalSetup: ['test/support/global-setup.ts'],
          ...TIMEOUTS,
          // After the other projects, and one file at a time in one process (Vitest still
          // resets modules between files; restore-env.ts puts process.env back).
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { singleFork: true } },
          setupFiles: ['test/support/restore-env.ts'],
        },
      },
    ],
  },
});
