import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../local/gateway/index.js';
import { connect, deferred, lastConnectionId, Recorder, silentLog } from './helpers.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('route selection on $request.body.action', () => {
  it('routes a matching action to its route and everything else to $default', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({ send_message: recorder.handler() }),
      log: silentLog,
    });
    const client = await connect(gateway.url);
    const bodies = [
      '{"action":"send_message","n":1}',
      '{"action":"nope"}', // unknown action: $default, not the unmatched key
      '{"action":42}',
      '["send_message"]',
      'hello',
      '{"action":"$connect"}',
      '{"action":"$disconnect"}',
    ];
    for (const body of bodies) await client.send(body);
    await recorder.waitFor((i) => i.event.body === bodies[bodies.length - 1]);
    await recorder.waitFor((i) => i.event.body === bodies[0]);
    for (const body of bodies) {
      const invocation = await recorder.waitFor((i) => i.event.body === body);
      const expected = body === bodies[0] ? 'send_message' : '$default';
      expect(invocation.event.requestContext.routeKey, body).toBe(expected);
    }
  });

  it('sends AWS Forbidden frame when nothing matches and there is no $default', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      routes: { $connect: recorder.handler(), send_message: recorder.handler() },
      log: silentLog,
    });
    const client = await connect(gateway.url);
    const id = await lastConnectionId(recorder);
    await client.send('{"action":"other"}');
    const frame = await client.message();
    expect(frame).toMatch(
      /^\{"message": "Forbidden", "connectionId":"[^"]+", "requestId":"[A-Za-z0-9+/]{15}="\}$/,
    );
    expect(JSON.parse(frame)).toMatchObject({ message: 'Forbidden', connectionId: id });
    expect(client.ws.readyState).toBe(client.ws.OPEN); // the connection stays open
  });

  it('sends AWS Internal server error frame when a handler throws, and keeps serving', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({
        explode: recorder.handler(() => {
          throw new Error('handler bug');
        }),
      }),
      log: silentLog,
    });
    const client = await connect(gateway.url);
    const id = await lastConnectionId(recorder);
    await client.send('{"action":"explode"}');
    const frame = await client.message();
    const invocation = await recorder.waitForRoute('explode');
    expect(frame).toBe(
      `{"message": "Internal server error", "connectionId":"${id}", "requestId":"${invocation.event.requestContext.requestId}"}`,
    );
    await client.send('still there?');
    await recorder.waitFor((i) => i.event.body === 'still there?');
  });

  it('ignores what a MESSAGE handler returns, even a non-2xx status', async () => {
    const recorder = new Recorder();
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({
        $default: recorder.handler(() => ({ statusCode: 500, body: 'not sent' })),
      }),
      log: silentLog,
    });
    const client = await connect(gateway.url);
    await client.send('one');
    await recorder.waitForRoute('$default');
    // A second round trip gives a relayed result time to arrive before asserting none did.
    await client.send('{"action":"x"}');
    await recorder.waitFor((i) => i.event.body === '{"action":"x"}');
    expect(client.messages).toEqual([]);
  });

  it('dispatches frames of one connection concurrently, as AWS does', async () => {
    const recorder = new Recorder();
    const secondArrived = deferred();
    gateway = await startGateway({
      port: 0,
      routes: recorder.routes({
        $default: recorder.handler(async (event) => {
          // The first invocation only finishes once the second has started.
          if (event.body === 'first') await secondArrived.promise;
          else secondArrived.resolve();
          return { statusCode: 200 };
        }),
      }),
      log: silentLog,
    });
    const client = await connect(gateway.url);
    await client.send('first');
    await client.send('second');
    await recorder.waitFor((i) => i.event.body === 'second');
    await secondArrived.promise;
  });
});
