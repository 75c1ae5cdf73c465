/**
 * GATEWAY_ACCOUNT_RPS / GATEWAY_ACCOUNT_BURST: one token bucket over every @connections
 * call, HTTP and in-process alike; over it a call answers 429 LimitExceededException.
 */
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it } from 'vitest';
import { ManagementApiSender } from '../../../functions/stores/management-api/sender.js';
import { directSender } from '../../../local/direct-sender.js';
import type { Gateway } from '../../../local/gateway/index.js';
import { TokenBucket } from '../../../local/gateway/token-bucket.js';
import { gatewayPerTest, Recorder, silentLog } from './helpers.js';

const startGateway = gatewayPerTest();

/** A bucket that does not refill within a test: `burst` calls pass, then every one is refused. */
function start(burst: number): Promise<Gateway> {
  return startGateway({
    port: 0,
    routes: new Recorder().routes(),
    log: silentLog,
    limits: { accountThrottle: { ratePerSecond: 0.001, burst } },
  });
}

function client(endpoint: string, maxAttempts: number): ApiGatewayManagementApiClient {
  return new ApiGatewayManagementApiClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    maxAttempts,
  });
}

const silent = { info: () => {}, warn: () => {}, error: () => {} };

describe('the account throttle over HTTP, with the real SDK client', () => {
  it('counts POST, GET and DELETE alike, and answers 429 LimitExceededException over it', async () => {
    const gw = await start(3);
    const [id = ''] = (await gw.virtual.open(1)).connectionIds;
    const api = client(gw.callbackUrl, 1);
    await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'one' }));
    await api.send(new GetConnectionCommand({ ConnectionId: id }));
    // A call to an unknown connection still costs a request.
    const gone = await api
      .send(new DeleteConnectionCommand({ ConnectionId: 'AAAAAAAAAAAAAAAAAAAA' }))
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ name: 'GoneException' });
    const error = await api
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: 'two' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 429 },
    });
    expect(gw.virtual.received(id)).toBe(1);
  });

  it('is retried by the SDK itself before it raises LimitExceededException', async () => {
    const gw = await start(1);
    const [id = ''] = (await gw.virtual.open(1)).connectionIds;
    const api = client(gw.callbackUrl, 2); // as functions/stores/management-api/sender.ts
    await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'one' }));
    const error = await api
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: 'two' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 429, attempts: 2 },
    });
  });

  it("reports throttled posts as worth retrying through Parley's SDK sender", async () => {
    const gw = await start(2);
    const ids = (await gw.virtual.open(3)).connectionIds;
    const sender = new ManagementApiSender({
      endpoint: gw.callbackUrl,
      concurrency: 1,
      log: silent,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const result = await sender.broadcast(ids, '{"n":1}');
    expect(result).toEqual({ gone: [], retry: [ids[2]], failed: 0 });
    expect(ids.map((id) => gw.virtual.received(id))).toEqual([1, 1, 0]);
  });
});

describe('the account throttle in-process', () => {
  it('reports throttled ids from postToConnections, and the direct sender retries them', async () => {
    const gw = await start(3);
    const ids = (await gw.virtual.open(3)).connectionIds;
    const first = await gw.postToConnections(
      [ids[0] ?? '', ids[1] ?? '', 'AAAAAAAAAAAAAAAAAAAA', ids[2] ?? ''],
      Buffer.from('{"n":1}'),
    );
    expect(first).toEqual({ gone: ['AAAAAAAAAAAAAAAAAAAA'], throttled: [ids[2]] });
    expect(ids.map((id) => gw.virtual.received(id))).toEqual([1, 1, 0]);
    expect(await directSender(gw).broadcast(ids, '{"n":2}')).toEqual({
      gone: [],
      retry: ids,
      failed: 0,
    });
  });

  it('throws an SDK-shaped LimitExceededException from a throttled postToConnection', async () => {
    const gw = await start(1);
    const [id = ''] = (await gw.virtual.open(1)).connectionIds;
    expect(await gw.postToConnection(id, 'one')).toBe('sent');
    await expect(gw.postToConnection(id, 'two')).rejects.toMatchObject({
      name: 'LimitExceededException',
      $metadata: { httpStatusCode: 429 },
    });
    // The sender reports it as the SDK sender does: unavailable, for now.
    await expect(directSender(gw).send(id, 'three')).rejects.toMatchObject({
      code: 'unavailable',
      cause: { name: 'LimitExceededException' },
    });
    expect(gw.virtual.received(id)).toBe(1);
  });
});

describe('the token bucket', () => {
  it('starts full at the burst and refills at the rate, never above the burst', () => {
    let now = 0;
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2 }, () => now);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
    now += 99;
    expect(bucket.take()).toBe(false); // 0.99 of a token
    now += 1;
    expect(bucket.take()).toBe(true);
    now += 10_000;
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, false]);
  });
});
