/**
 * The benchmark's in-process handler stack (floor, store work, history) must time what
 * ships: its cache client has the handlers' Redis settings, while the bare round trip it
 * is compared with is timed on a client with ioredis' defaults.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { type CoreStack, coreStack } from '../../../bench/scenarios/stack.js';
import { readConfig } from '../../../functions/runtime/config.js';
import { createRedis } from '../../../functions/runtime/deps.js';
import { REDIS_CLIENT_OPTIONS } from '../../../functions/stores/redis/client-options.js';
import { testRedisUrl, uid } from '../../support/services.js';

const stacks: CoreStack[] = [];
afterAll(async () => {
  for (const stack of stacks) await stack.close();
});

describe('the benchmark core stack', () => {
  it("gives the handlers' cache the runtime's Redis client settings", async () => {
    const stack = await coreStack({
      quick: true,
      log: () => {},
      databaseUrl: inject('databaseUrl'),
      redisUrl: testRedisUrl(),
      redisPrefix: `${uid('core-stack')}:`,
      resultsDir: '',
    });
    stacks.push(stack);
    const handlers = createRedis(
      readConfig({ DATABASE_URL: inject('databaseUrl'), REDIS_URL: testRedisUrl() }),
    );
    try {
      for (const [option, value] of Object.entries(REDIS_CLIENT_OPTIONS)) {
        expect(handlers.options).toHaveProperty(option, value);
        expect(stack.cacheRedis.options).toHaveProperty(option, value);
      }
      // The bare round trip is ioredis' own: one command, one write, no pipelining.
      expect(stack.redis.options.enableAutoPipelining).toBe(false);
      expect(await stack.redis.ping()).toBe('PONG');
    } finally {
      handlers.disconnect();
    }
  });
});
