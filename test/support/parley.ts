/**
 * Parley on the local gateway for end-to-end tests, wired to the real PostgreSQL and
 * Redis and the DynamoDB-compatible server the global setup prepared. The handlers read
 * their configuration from the environment on first use, as on Lambda.
 */
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { inject } from 'vitest';
import { signDevToken } from '../../functions/auth/sign-token.js';
import { resetRuntime } from '../../functions/runtime/deps.js';
import {
  type ParleyServer,
  type ParleyServerOptions,
  startParleyServer,
} from '../../local/parley-server.js';
import { ChatClient } from './chat-client.js';
import { uid } from './services.js';

export const TEST_JWT_SECRET = 'parley-e2e-secret';

export interface TestParley {
  server: ParleyServer;
  url: string;
  redisPrefix: string;
  /** Connects as `userId` with a valid token. */
  connect(userId: string): Promise<ChatClient>;
  token(userId: string): Promise<string>;
  management(): ApiGatewayManagementApiClient;
  close(): Promise<void>;
}

export async function startTestParley(
  env: Record<string, string> = {},
  options: Pick<
    ParleyServerOptions,
    'idleTimeoutMs' | 'sender' | 'web' | 'limits' | 'platformLog' | 'virtualConnections'
  > = {},
): Promise<TestParley> {
  const redisPrefix = `${uid('e2e')}:`;
  Object.assign(process.env, {
    DATABASE_URL: inject('databaseUrl'),
    REDIS_URL: inject('redisUrl'),
    REDIS_CLUSTER: 'false',
    REDIS_KEY_PREFIX: redisPrefix,
    PARLEY_CACHE: 'redis',
    DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
    CONNECTIONS_TABLE: inject('connectionsTable'),
    JWT_SECRET: TEST_JWT_SECRET,
    ...env,
  });
  delete process.env.CALLBACK_URL;
  await resetRuntime();
  // The SDK sender by default: the tests pin the path Lambda takes on AWS.
  const server = await startParleyServer({ port: 0, log: () => {}, sender: 'sdk', ...options });
  const token = (userId: string) => signDevToken(TEST_JWT_SECRET, userId);
  return {
    server,
    url: server.gateway.url,
    redisPrefix,
    token,
    connect: async (userId) => ChatClient.connect(server.gateway.url, await token(userId)),
    management: () =>
      new ApiGatewayManagementApiClient({
        endpoint: server.gateway.callbackUrl,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      }),
    close: () => server.close(),
  };
}
