/** Clients for the real services the global setup prepared, for contract and e2e tests. */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';

export const uid = (prefix = 'r') => `${prefix}-${randomUUID().slice(0, 12)}`;

export function testPool(): pg.Pool {
  return new pg.Pool({ connectionString: inject('databaseUrl'), max: 10 });
}

/**
 * The run's Redis. Without one (the stand-in run) the config leaves out every file that
 * calls this, so reaching it there is a mistake: never fall back to ioredis' default
 * 127.0.0.1:6379, a developer's own Redis.
 */
export function testRedisUrl(): string {
  const url = inject('redisUrl');
  if (!url)
    throw new Error('this test needs a real Redis, and the run has none (see redis-plan.ts)');
  return url;
}

export function testRedis(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
}

/**
 * Deletes the keys under `prefix`, a test's own (`uid(...)` and a colon): SCAN, not KEYS,
 * which would block a shared Redis, and never a pattern that could reach others' keys.
 */
export async function deleteKeysUnder(redis: Redis, prefix: string): Promise<number> {
  if (!/^[^*?[\]\\]{8,}:$/.test(prefix)) throw new Error(`not a test's own key prefix: ${prefix}`);
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

export function testDynamo(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
