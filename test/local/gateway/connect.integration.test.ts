import { once } from 'node:events';
import { createConnection } from 'node:net';
import {
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../local/gateway/index.js';
import {
  connect,
  deferred,
  managementClient,
  Recorder,
  refusedStatus,
  silentLog,
} from './helpers.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('$connect', () => {
  it('refuses the handshake with the status a non-2xx result carries, and skips $disconnect', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({ $connect: recorder.handler(() => ({ statusCode: 429 })) }),
      log: silentLog,
    });
    expect((await refusedStatus(gateway.url)).status).toBe(429);
    await gateway.close();
    gateway = undefined;
    expect(recorder.invocations.map((i) => i.event.requestContext.routeKey)).toEqual(['$connect']);
  });

  it('refuses with 500 when $connect throws', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({
        $connect: recorder.handler(() => {
          throw new Error('boom');
        }),
      }),
      log: silentLog,
    });
    expect(await refusedStatus(gateway.url)).toEqual({
      status: 500,
      body: '{"message":"Internal server error"}',
    });
    await gateway.close();
    gateway = undefined;
    expect(recorder.byRoute('$disconnect')).toEqual([]);
  });

  it('opens the socket only after $connect has returned, and answers 410 while it runs', async () => {
    const recorder = new Recorder();
    const release = deferred();
    const entered = deferred<string>();
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({
        $connect: recorder.handler(async (event) => {
          entered.resolve(event.requestContext.connectionId);
          await release.promise;
          return { statusCode: 200 };
        }),
      }),
      log: silentLog,
    });
    const pending = connect(gateway.url);
    const connectionId = await entered.promise;
    const api = managementClient(gateway.callbackUrl);
    const error = await api
      .send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: 'too early' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
    release.resolve();
    const client = await pending;
    await api.send(new GetConnectionCommand({ ConnectionId: connectionId }));
    client.ws.close();
    await recorder.waitForRoute('$disconnect', connectionId);
  });

  it('accepts the connection when no $connect route is configured', async () => {
    gateway = await startGateway({ port: 0, routes: {}, log: silentLog });
    const client = await connect(gateway.url);
    client.ws.close();
    expect((await client.closed).code).toBe(1005);
  });

  it('echoes only the sub-protocol $connect chose', async () => {
    gateway = await startGateway({
      port: 0,
      routes: {
        $connect: async () => ({
          statusCode: 200,
          headers: { 'Sec-WebSocket-Protocol': 'chat.v1' },
        }),
      },
      log: silentLog,
    });
    const client = await connect(gateway.url, { protocols: ['chat.v0', 'chat.v1'] });
    expect(client.ws.protocol).toBe('chat.v1');
    client.ws.close();
    await client.closed;
  });

  it('answers 400 to an upgrade that is not a valid WebSocket handshake, without $connect', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({ port: 0, routes: recorder.routes(), log: silentLog });
    const socket = createConnection(gateway.port, '127.0.0.1');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    const [reply] = (await once(socket, 'data')) as [Buffer];
    socket.destroy();
    expect(reply.toString('utf8')).toMatch(/^HTTP\/1\.1 400 /);
    expect(recorder.invocations).toEqual([]);
  });
});
