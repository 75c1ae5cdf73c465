import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { testPlan } from './test/support/redis-plan.js';

// Files that cannot run on this machine (no Redis and no redis-server, CI unset) are left
// out, and the global setup names them in its one-line notice; in CI nothing is left out.
const { notRun } = testPlan(path.dirname(fileURLToPath(import.meta.url)));

/**
 * Four projects, told apart by a file's name (and `cdk` by its directory):
 * - `unit` (`*.test.ts`): no services, no sockets, no child processes, no global setup;
 *   `npm run test:unit` starts in seconds, and passes with no network at all.
 * - `integration` (`*.integration.test.ts`): PostgreSQL, Redis and dynalite from the global
 *   setup, or servers and processes of the file's own. Files run in parallel: each keeps
 *   to its own Redis key prefix, rooms, connection ids, roles and databases, and each runs
 *   in a process of its own (the forks pool), so what one writes to process.env stays there.
 * - `cdk` (`test/lib/`, as lib/ is the CDK app): the stack synthesized and every Lambda
 *   bundled; no services either, but a minute of CPU, so kept out of `unit`.
 * - `load` (`*.load.test.ts`): files whose clients must not wait behind another file's
 *   work (hundreds of connections on Lambda-like timeouts, the fault suite, the fuzzer):
 *   after the other two, one file at a time, on the same services.
 */
const UNIT = 'test/**/*.test.ts';
const INTEGRATION = 'test/**/*.integration.test.ts';
const LOAD = 'test/**/*.load.test.ts';
const CDK = 'test/lib/**/*.test.ts';

// BEGIN files not yet renamed to their project's suffix (/work/helpers/test-moves.sh)
const NOT_YET_RENAMED = {
  integration: [
    'test/bench/core-stack.test.ts',
    'test/bench/socketio-peer.test.ts',
    'test/bench/stores-cpu.test.ts',
    'test/browser/web-chat.test.ts',
    'test/contract/connection-store.test.ts',
    'test/contract/database-rotation.test.ts',
    'test/contract/fanout-queue.test.ts',
    'test/contract/message-store.test.ts',
    'test/contract/migrate-on-deploy.test.ts',
    'test/contract/redis-late-writes.test.ts',
    'test/contract/room-cache-cluster.test.ts',
    'test/contract/room-cache.test.ts',
    'test/contract/sender.test.ts',
    'test/e2e/bad-frames.test.ts',
    'test/e2e/chat-cli.test.ts',
    'test/e2e/chat.test.ts',
    'test/e2e/client-resume.test.ts',
    'test/e2e/dev-dynamo-process.test.ts',
    'test/e2e/dev-server-startup.test.ts',
    'test/e2e/dev-server.test.ts',
    'test/e2e/fanout-queue.test.ts',
    'test/e2e/postgres-frozen.test.ts',
    'test/e2e/redis-faults.test.ts',
    'test/e2e/redis-flush.test.ts',
    'test/e2e/redis-late-join.test.ts',
    'test/e2e/reply-size.test.ts',
    'test/e2e/review-regressions.test.ts',
    'test/e2e/store-down.test.ts',
    'test/e2e/throttled-posts.test.ts',
    'test/e2e/two-servers.test.ts',
    'test/e2e/web-server.test.ts',
    'test/embedded/dynamodb-iterators.test.ts',
    'test/embedded/dynamodb.test.ts',
    'test/embedded/postgres.test.ts',
    'test/gateway/authorizer.test.ts',
    'test/gateway/close.test.ts',
    'test/gateway/connect.test.ts',
    'test/gateway/direct-post.test.ts',
    'test/gateway/events.test.ts',
    'test/gateway/http-fallback.test.ts',
    'test/gateway/lambda-timeout.test.ts',
    'test/gateway/limits.test.ts',
    'test/gateway/management-api.test.ts',
    'test/gateway/post-latency.test.ts',
    'test/gateway/routing.test.ts',
    'test/gateway/throttle.test.ts',
    'test/gateway/virtual-connections.test.ts',
    'test/handlers/post-timeout.test.ts',
    'test/setup/test-redis.test.ts',
    'test/unit/layers.test.ts',
  ],
  cdk: ['test/cdk/**/*.test.ts'],
  load: [
    'test/e2e/big-room-limits.test.ts',
    'test/faults/faults-under-load.test.ts',
    'test/faults/fuzz.test.ts',
  ],
};
// END files not yet renamed

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
          exclude: [
            ...configDefaults.exclude,
            INTEGRATION,
            LOAD,
            CDK,
            ...NOT_YET_RENAMED.integration,
            ...NOT_YET_RENAMED.load,
            ...NOT_YET_RENAMED.cdk,
          ],
        },
      },
      {
        test: {
          name: 'integration',
          include: [INTEGRATION, ...NOT_YET_RENAMED.integration],
          exclude: [...configDefaults.exclude, ...notRun],
          globalSetup: ['test/support/global-setup.ts'],
          ...TIMEOUTS,
        },
      },
      {
        test: { name: 'cdk', include: [CDK, ...NOT_YET_RENAMED.cdk], ...TIMEOUTS },
      },
      {
        test: {
          name: 'load',
          include: [LOAD, ...NOT_YET_RENAMED.load],
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
