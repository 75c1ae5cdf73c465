/**
 * Parley on the local gateway for end-to-end tests, wired to the PostgreSQL, the Redis (or
 * the in-process stand-in) and the DynamoDB-compatible server the global setup prepared,
 * each server on a Redis key prefix of its own. The settings are handed to the server, never
 * written to `process.env`, so a file may start several at once.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { signDevToken } from '../../functions/auth/sign-token.js';
import {
  type ParleyEnv,
  type ParleyServer,
  type ParleyServerOptions,
  startParleyServer,
} from '../../local/parley-server.js';
import { ROOMY_RATE_LIMITS } from '../../local/roomy-rate-limits.js';
import { ChatClient } from './chat-client.js';
import { deleteKeysUnder, uid } from './services.js';

export const TEST_JWT_SECRET = 'parley-e2e-secret';

export interface TestParley {
  server: ParleyServer;
  url: string;
  redisPrefix: string;
  /** The settings the server was started with, to start another like it (a restart). */
  env: ParleyEnv;
  /** Connects as `userId` with a valid token. */
  connect(userId: string): Promise<ChatClient>;
  token(userId: string): Promise<string>;
  management(): ApiGatewayManagementApiClient;
  close(): Promise<void>;
}

async function forgetKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await deleteKeysUnder(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

export async function startTestParley(
  env: Record<string, string> = {},
  options: Pick<
    ParleyServerOptions,
    | 'idleTimeoutMs'
    | 'maxConnectionMs'
    | 'sender'
    | 'web'
    | 'limits'
    | 'platformLog'
    | 'virtualConnections'
  > = {},
): Promise<TestParley> {
  const redisPrefix = `${uid('e2e')}:`;
  // A test that names its own Redis (one it started, or one that is down) gets it; the
  // others get the run's Redis, or the in-process stand-in when the run has none.
  const standIn = inject('redisStandIn') && env.REDIS_URL === undefined;
  const sharedRedis = !standIn && env.REDIS_URL === undefined;
  const serverEnv: ParleyEnv = {
    DATABASE_URL: inject('databaseUrl'),
    ...(standIn ? {} : { REDIS_URL: inject('redisUrl') }),
    REDIS_CLUSTER: 'false',
    REDIS_KEY_PREFIX: redisPrefix,
    PARLEY_CACHE: standIn ? 'memory' : 'redis',
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    CONNECTIONS_TABLE: inject('connectionsTable'),
    JWT_SECRET: TEST_JWT_SECRET,
    // The tests send faster than people do; a test of the limits sets its own.
    ...ROOMY_RATE_LIMITS,
    ...env,
  };
  // The SDK sender by default: the tests pin the path Lambda takes on AWS.
  const server = await startParleyServer({
    port: 0,
    env: serverEnv,
    log: () => {},
    sender: 'sdk',
    ...options,
  });
  const token = (userId: string) => signDevToken(TEST_JWT_SECRET, userId);
  return {
    server,
    url: server.gateway.url,
    redisPrefix,
    env: serverEnv,
    token,
    connect: async (userId) => ChatClient.connect(server.gateway.url, await token(userId)),
    management: () =>
      new ApiGatewayManagementApiClient({
        endpoint: server.gateway.callbackUrl,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
    async close() {
      await server.close();
      // Nothing left behind in the run's Redis, which may be a shared one (REDIS_URL).
      if (sharedRedis) await forgetKeys(inject('redisUrl'), redisPrefix);
    },
  };
}
