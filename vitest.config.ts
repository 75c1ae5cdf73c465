import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { requireCiServices, testPlan } from './test/support/redis-plan.js';

// CI tests the real services: without DATABASE_URL and REDIS_URL it stops here, in one line.
requireCiServices(process.env);
// Files that cannot run on this machine (no Redis and no redis-server, CI unset) are left
// out, and the global setup names them in its one-line notice; in CI nothing is left out.
const { notRun } = testPlan(path.dirname(fileURLToPath(import.meta.url)));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...notRun],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Files run one at a time: the handlers' runtime is one per process (startTestParley
    // configures it through process.env), and the load tests want the machine.
    fileParallelism: false,
    reporters: ['default'],
    // Handlers log through Powertools; tests want only errors on the console.
    env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
  },
});
