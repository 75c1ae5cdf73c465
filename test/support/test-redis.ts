/** The Redis a test run uses, as redis-plan.ts chose it: given, started here, or none. */
import type { RedisPlan } from './redis-plan.js';
import { startRedisServer } from './redis-servers.js';

export interface TestRedis {
  /** Undefined for the stand-in: there is no Redis to connect to. */
  url: string | undefined;
  stop(): Promise<void>;
}

export async function startTestRedis(plan: RedisPlan): Promise<TestRedis> {
  switch (plan.kind) {
    case 'given':
      return { url: plan.url, stop: async () => {} };
    case 'own': {
      const server = await startRedisServer();
      return { url: server.url, stop: () => server.stop() };
    }
    case 'stand-in':
      return { url: undefined, stop: async () => {} };
  }
}
