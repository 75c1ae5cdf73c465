import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
