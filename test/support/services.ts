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

export function testRedis(): Redis {
  return new Redis(inject('redisUrl'), { maxRetriesPerRequest: 1 });
}

export function testDynamo(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: inject('dynamoEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}
