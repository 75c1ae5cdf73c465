import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../local/gateway/index.js';
import { connect, deferred, Recorder, refusedStatus, silentLog } from './helpers.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('close() and resilience', () => {
  it('closes every connection with 1001 Going away and awaits each $disconnect', async () => {
    const recorder = new Recorder();
    const finished: string[] = [];
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({
        $disconnect: recorder.handler(async (event) => {
          await new Promise((resolve) => setImmediate(resolve));
          finished.push(event.requestContext.connectionId);
          return { statusCode: 200 };
        }),
      }),
      log: silentLog,
    });
    const a = await connect(gateway.url);
    const b = await connect(gateway.url);
    await gateway.close();
    gateway = undefined;
    expect(await a.closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(await b.closed).toEqual({ code: 1001, reason: 'Going away' });
    expect(finished).toHaveLength(2);
    for (const { event } of recorder.byRoute('$disconnect')) {
      expect(event.requestContext.disconnectStatusCode).toBe(1001);
      expect(event.requestContext.disconnectReason).toBe('Going away');
    }
  });

  it('lets a connection still in $connect finish, then refuses it and runs its $disconnect', async () => {
    const recorder = new Recorder();
    const entered = deferred();
    const release = deferred();
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({
        $connect: recorder.handler(async () => {
          entered.resolve();
          await release.promise;
          return { statusCode: 200 };
        }),
      }),
      log: silentLog,
    });
    const refused = refusedStatus(gateway.url);
    await entered.promise;
    const closing = gateway.close();
    gateway = undefined;
    release.resolve();
    await closing;
    expect((await refused).status).toBe(503);
    expect(recorder.byRoute('$disconnect')).toHaveLength(1);
  });

  it('logs a failing $disconnect instead of throwing', async () => {
    const logged: string[] = [];
    gateway = await startGateway({
      port: 0,
      routes: {
        $disconnect: async () => {
          throw new Error('cleanup failed');
        },
      },
      log: (msg) => logged.push(msg),
    });
    const client = await connect(gateway.url);
    client.ws.close();
    await client.closed;
    await gateway.close();
    gateway = undefined;
    expect(logged).toContain('$disconnect threw');
  });

  it('survives handlers that throw synchronously and clients that vanish', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({
        sync: () => {
          throw new Error('not even async');
        },
      }),
      log: silentLog,
    });
    const client = await connect(gateway.url);
    await client.send('{"action":"sync"}');
    expect(JSON.parse(await client.message())).toMatchObject({ message: 'Internal server error' });
    client.ws.terminate(); // no close frame: AWS reports 1006
    const event = (await recorder.waitForRoute('$disconnect')).event;
    expect(event.requestContext.disconnectStatusCode).toBe(1006);
    const again = await connect(gateway.url);
    again.ws.close();
    await again.closed;
  });
});
