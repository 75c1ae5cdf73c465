/**
 * The runtime on AWS: PostgreSQL through RDS Proxy from the RDS secret, Redis credentials
 * from a secret, a runtime whose creation failed (retried, never cached), and what each
 * route answers meanwhile. Secrets Manager and the Management API are mocked.
 */

import { clearCaches } from '@aws-lambda-powertools/parameters';
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import {
  GetSecretValueCommand,
  InternalServiceError,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { Cluster, Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeConnectHandler } from '../../../functions/connect.js';
import { makeDefaultHandler } from '../../../functions/default.js';
import { makeDisconnectHandler } from '../../../functions/disconnect.js';
import { makeJoinRoomHandler } from '../../../functions/join-room.js';
import { readConfig } from '../../../functions/runtime/config.js';
import { lambdaConnectWiring } from '../../../functions/runtime/connections.js';
import { postgresConnection } from '../../../functions/runtime/database.js';
import { createRedis, redisCredentials } from '../../../functions/runtime/deps.js';
import { type LambdaWiring, lambdaWiring } from '../../../functions/runtime/lambda-wiring.js';
import { logger } from '../../../functions/runtime/logger.js';
import { SecretUnavailableError } from '../../../functions/runtime/secrets.js';
import { makeSendMessageHandler } from '../../../functions/send-message.js';
import {
  connectEvent,
  disconnectEvent,
  lambdaContext,
  messageEvent,
  newConnectionId,
} from '../../support/events.js';

const DB_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:parley-db-AbCdEf';
const REDIS_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:parley-redis-GhIjKl';
const PROXY = 'parley.proxy-abc123.us-east-1.rds.amazonaws.com';

/** What RDS generates for a database's credentials (plus engine fields Parley ignores). */
const RDS_SECRET = {
  username: 'parley_app',
  password: 'p@ss:w/rd',
  engine: 'postgres',
  host: 'parley-db.abc123.us-east-1.rds.amazonaws.com',
  port: 5432,
  dbname: 'parley',
  dbInstanceIdentifier: 'parley-db',
};

let secrets: AwsClientStub<SecretsManagerClient>;
let management: AwsClientStub<ApiGatewayManagementApiClient>;
/** A new container's binding, as the Lambda entries make it: nothing created yet. */
let lambda: LambdaWiring;

function secretValue(value: unknown) {
  return { SecretString: typeof value === 'string' ? value : JSON.stringify(value) };
}

function unreachable(): Error {
  return Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:443'), { name: 'TimeoutError' });
}

beforeEach(async () => {
  clearCaches();
  secrets = mockClient(SecretsManagerClient);
  management = mockClient(ApiGatewayManagementApiClient);
  management.on(PostToConnectionCommand).resolves({});
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  // Only what these tests set: the suite's own DATABASE_URL must not win over the secret.
  vi.stubEnv('DATABASE_URL', undefined);
  vi.stubEnv('REDIS_URL', undefined);
  vi.stubEnv('CALLBACK_URL', undefined);
  vi.stubEnv('AWS_REGION', 'us-east-1');
  lambda = lambdaWiring();
});

afterEach(async () => {
  await (await lambda.runtime.created())?.close();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  secrets.restore();
  management.restore();
  clearCaches();
});

describe('PostgreSQL from the RDS secret', () => {
  it('connects to the proxy endpoint over verified TLS with the secret credentials', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: DB_ARN }).resolves(secretValue(RDS_SECRET));
    const connection = await postgresConnection(
      readConfig({ DB_SECRET_ARN: DB_ARN, DB_HOST: PROXY, PARLEY_CACHE: 'memory' }),
    );
    expect(connection).toMatchObject({
      host: PROXY,
      port: 5432,
      database: 'parley',
      user: 'parley_app',
      ssl: { rejectUnauthorized: true },
    });
    expect(connection.connectionString).toBeUndefined();
    expect(typeof connection.password).toBe('function');
    const password = connection.password as () => Promise<string>;
    expect(await password()).toBe('p@ss:w/rd');
  });

  it('reads the secret once for the pool and new connections through the cache', async () => {
    secrets.on(GetSecretValueCommand).resolves(secretValue(RDS_SECRET));
    const connection = await postgresConnection(
      readConfig({ DB_SECRET_ARN: DB_ARN, DB_HOST: PROXY, PARLEY_CACHE: 'memory' }),
    );
    const password = connection.password as () => Promise<string>;
    await password();
    await password();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("falls back to the secret's host, port and dbname", async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolves(secretValue({ ...RDS_SECRET, port: '6432', dbname: 'chat' }));
    const connection = await postgresConnection(
      readConfig({ DB_SECRET_ARN: DB_ARN, PARLEY_CACHE: 'memory' }),
    );
    expect(connection).toMatchObject({
      host: RDS_SECRET.host,
      port: 6432,
      database: 'chat',
      ssl: { rejectUnauthorized: true },
    });
  });

  it('lets DB_PORT and DB_NAME win over the secret, and defaults to 5432 and parley', async () => {
    const { port: _port, dbname: _dbname, ...bare } = RDS_SECRET;
    secrets.on(GetSecretValueCommand).resolves(secretValue(bare));
    const defaults = await postgresConnection(
      readConfig({ DB_SECRET_ARN: DB_ARN, DB_HOST: PROXY, PARLEY_CACHE: 'memory' }),
    );
    expect(defaults).toMatchObject({ port: 5432, database: 'parley' });
    const overridden = await postgresConnection(
      readConfig({
        DB_SECRET_ARN: DB_ARN,
        DB_HOST: PROXY,
        DB_PORT: '5433',
        DB_NAME: 'other',
        PARLEY_CACHE: 'memory',
      }),
    );
    expect(overridden).toMatchObject({ port: 5433, database: 'other' });
  });

  it('keeps DATABASE_URL exactly as before and reads no secret', async () => {
    const connection = await postgresConnection(
      readConfig({
        DATABASE_URL: 'postgres://u@h:5/db',
        DB_SECRET_ARN: DB_ARN,
        PARLEY_CACHE: 'memory',
      }),
    );
    expect(connection).toEqual({ connectionString: 'postgres://u@h:5/db' });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('refuses a secret without username or password, or that is not JSON', async () => {
    const config = readConfig({ DB_SECRET_ARN: DB_ARN, DB_HOST: PROXY, PARLEY_CACHE: 'memory' });
    const cases: [unknown, RegExp][] = [
      [{ password: 'x' }, /has no "username"/],
      [{ username: 'x' }, /has no "password"/],
      ['not json', /is not JSON/],
      [['a', 'b'], /is not a JSON object/],
    ];
    for (const [value, error] of cases) {
      clearCaches();
      secrets.reset();
      secrets.on(GetSecretValueCommand).resolves(secretValue(value));
      await expect(postgresConnection(config)).rejects.toThrow(error);
    }
  });

  it('tells an unreachable Secrets Manager (unavailable) from a missing secret (internal)', async () => {
    const config = readConfig({ DB_SECRET_ARN: DB_ARN, DB_HOST: PROXY, PARLEY_CACHE: 'memory' });
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(unreachable())
      .rejectsOnce(new InternalServiceError({ message: 'oops', $metadata: {} }))
      .rejectsOnce(new ResourceNotFoundException({ message: 'no such secret', $metadata: {} }));
    await expect(postgresConnection(config)).rejects.toBeInstanceOf(SecretUnavailableError);
    await expect(postgresConnection(config)).rejects.toBeInstanceOf(SecretUnavailableError);
    const missing = await postgresConnection(config).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Error);
    expect(missing).not.toBeInstanceOf(SecretUnavailableError);
    expect((missing as Error).message).toMatch(/Could not read secret .*no such secret/);
  });
});

describe('Redis credentials from a secret', () => {
  const clusterConfig = () =>
    readConfig({
      DATABASE_URL: 'postgres://x',
      REDIS_URL: 'rediss://url-user:url-pass@127.0.0.1:1',
      REDIS_CLUSTER: 'true',
      REDIS_SECRET_ARN: REDIS_ARN,
    });

  it('reads username and password from REDIS_SECRET_ARN', async () => {
    secrets
      .on(GetSecretValueCommand, { SecretId: REDIS_ARN })
      .resolves(secretValue({ username: 'parley', password: 'redis-pw' }));
    expect(await redisCredentials(clusterConfig())).toEqual({
      username: 'parley',
      password: 'redis-pw',
    });
  });

  it('reads none without REDIS_SECRET_ARN', async () => {
    const config = readConfig({ DATABASE_URL: 'postgres://x', REDIS_URL: 'redis://127.0.0.1:1' });
    expect(await redisCredentials(config)).toEqual({});
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('passes them to every cluster node (redisOptions), over TLS, ahead of the URL', () => {
    const cluster = createRedis(clusterConfig(), { username: 'parley', password: 'redis-pw' });
    cluster.on('error', () => undefined);
    cluster.disconnect();
    expect(cluster).toBeInstanceOf(Cluster);
    expect((cluster as Cluster).options.redisOptions).toMatchObject({
      username: 'parley',
      password: 'redis-pw',
      tls: {},
    });
  });

  it('passes them to a single-node client', () => {
    const config = readConfig({ DATABASE_URL: 'postgres://x', REDIS_URL: 'redis://127.0.0.1:1' });
    const redis = createRedis(config, { username: 'parley', password: 'redis-pw' });
    redis.on('error', () => undefined);
    redis.disconnect();
    expect(redis).toBeInstanceOf(Redis);
    expect((redis as Redis).options).toMatchObject({ username: 'parley', password: 'redis-pw' });
  });
});

describe('runtime creation', () => {
  function useSecretConfig(): void {
    vi.stubEnv('DB_SECRET_ARN', DB_ARN);
    vi.stubEnv('DB_HOST', PROXY);
    vi.stubEnv('PARLEY_CACHE', 'memory');
  }

  it('is shared by concurrent callers and reads the secret once', async () => {
    useSecretConfig();
    secrets.on(GetSecretValueCommand).resolves(secretValue(RDS_SECRET));
    const [a, b] = await Promise.all([lambda.runtime(), lambda.runtime()]);
    expect(a).toBe(b);
    expect(await lambda.runtime()).toBe(a);
    expect(a.pool.options).toMatchObject({ host: PROXY, user: 'parley_app', max: 5 });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('is retried after a failure instead of keeping it', async () => {
    useSecretConfig();
    secrets.on(GetSecretValueCommand).rejectsOnce(unreachable()).resolves(secretValue(RDS_SECRET));
    await expect(lambda.runtime()).rejects.toBeInstanceOf(SecretUnavailableError);
    const runtime = await lambda.runtime();
    expect(runtime.pool.options).toMatchObject({ host: PROXY });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('fails on a configuration error without throwing synchronously', async () => {
    vi.stubEnv('PARLEY_CACHE', 'memory');
    const pending = lambda.runtime();
    await expect(pending).rejects.toThrow(/DATABASE_URL or DB_SECRET_ARN is required/);
  });
});

describe('routes while the runtime cannot be created', () => {
  function repliesTo(connectionId: string): unknown[] {
    return management
      .commandCalls(PostToConnectionCommand)
      .filter((c) => c.args[0].input.ConnectionId === connectionId)
      .map((c) => JSON.parse(Buffer.from(c.args[0].input.Data as Uint8Array).toString()));
  }

  it('a message route answers unavailable when Secrets Manager is unreachable', async () => {
    vi.stubEnv('DB_SECRET_ARN', DB_ARN);
    vi.stubEnv('PARLEY_CACHE', 'memory');
    secrets.on(GetSecretValueCommand).rejects(unreachable());
    const connectionId = newConnectionId();
    const frame = { action: 'send_message', roomId: 'lobby', content: 'hi', requestId: 'r1' };
    const sendMessage = makeSendMessageHandler(lambda);
    const result = await sendMessage(messageEvent(frame, { connectionId }), lambdaContext());
    expect(result).toEqual({ statusCode: 200 });
    expect(repliesTo(connectionId)).toEqual([
      {
        type: 'error',
        code: 'unavailable',
        message: 'Parley is temporarily unavailable; retry later',
        requestId: 'r1',
      },
    ]);
  });

  it('a message route answers internal on a configuration error, and logs it once', async () => {
    vi.stubEnv('PARLEY_CACHE', 'memory');
    const connectionId = newConnectionId();
    const frame = { action: 'join_room', roomId: 'lobby', requestId: 'r2' };
    const joinRoom = makeJoinRoomHandler(lambda);
    expect(await joinRoom(messageEvent(frame, { connectionId }), lambdaContext())).toEqual({
      statusCode: 200,
    });
    expect(repliesTo(connectionId)).toEqual([
      { type: 'error', code: 'internal', message: 'Internal error', requestId: 'r2' },
    ]);
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it('a message route whose reply cannot be posted still ends normally', async () => {
    vi.stubEnv('PARLEY_CACHE', 'memory');
    management.on(PostToConnectionCommand).rejects(new Error('no route to the API'));
    const event = messageEvent({ action: 'join_room', roomId: 'lobby' });
    expect(await makeJoinRoomHandler(lambda)(event, lambdaContext())).toEqual({ statusCode: 200 });
  });

  it('$default still answers unknown_action', async () => {
    vi.stubEnv('PARLEY_CACHE', 'memory');
    const connectionId = newConnectionId();
    const event = messageEvent({ action: 'dance' }, { connectionId, routeKey: '$default' });
    const defaultRoute = makeDefaultHandler(lambda);
    expect(await defaultRoute(event, lambdaContext())).toEqual({ statusCode: 200 });
    expect(repliesTo(connectionId)).toEqual([
      { type: 'error', code: 'unknown_action', message: 'Unknown action: dance' },
    ]);
  });

  it('$connect needs neither PostgreSQL nor secrets: only DynamoDB, 503 when it is down', async () => {
    vi.stubEnv('DB_SECRET_ARN', DB_ARN);
    secrets.on(GetSecretValueCommand).rejects(unreachable());
    // Nothing listens on port 9: the connection store is unreachable.
    vi.stubEnv('DYNAMODB_ENDPOINT', 'http://127.0.0.1:9');
    const connect = makeConnectHandler(lambdaConnectWiring());
    expect(await connect(connectEvent(), lambdaContext())).toEqual({ statusCode: 503 });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('$disconnect answers 200 and logs', async () => {
    vi.stubEnv('PARLEY_CACHE', 'memory');
    const disconnect = makeDisconnectHandler(lambda);
    expect(await disconnect(disconnectEvent(), lambdaContext())).toEqual({ statusCode: 200 });
    expect(logger.error).toHaveBeenCalled();
  });
});
