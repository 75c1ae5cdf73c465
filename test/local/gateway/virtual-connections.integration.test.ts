/**
 * Virtual connections: socketless connections that open through the authorizer and
 * $connect, send frames through route selection and the handlers, count what they receive
 * and answer 410 once closed; in-process and through the dev-only HTTP control API.
 */
import {
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it, vi } from 'vitest';
import type { RequestAuthorizerHandler } from '../../../functions/shared/apigw-events.js';
import type { Gateway, GatewayOptions } from '../../../local/gateway/index.js';
import { isLoopback } from '../../../local/gateway/virtual-control.js';
import { gatewayPerTest, managementClient, Recorder, silentLog } from './helpers.js';

const startGateway = gatewayPerTest();

/** Allows the token `good` as user `u1`; refuses anything else with 401. */
const authorizer: RequestAuthorizerHandler = async (event) => {
  if (event.queryStringParameters?.token !== 'good') throw new Error('Unauthorized');
  return {
    principalId: 'u1',
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
    context: { userId: 'u1' },
  };
};

function start(recorder: Recorder, options: Partial<GatewayOptions> = {}): Promise<Gateway> {
  return startGateway({
    port: 0,
    authorizer,
    routes: recorder.routes({ join_room: recorder.handler() }),
    log: silentLog,
    ...options,
  });
}

describe('virtual connections in-process', () => {
  it('open through the authorizer and $connect, and count the refused by status', async () => {
    const recorder = new Recorder();
    const gw = await start(recorder);
    const opened = await gw.virtual.open(3, { token: 'good' });
    expect(opened.connectionIds).toHaveLength(3);
    expect(new Set(opened.connectionIds).size).toBe(3);
    expect(opened.refused).toEqual({});
    const connects = recorder.byRoute('$connect');
    expect(connects.map((c) => c.event.requestContext.connectionId).sort()).toEqual(
      [...opened.connectionIds].sort(),
    );
    expect(connects[0]?.event.queryStringParameters).toEqual({ token: 'good' });
    expect(connects[0]?.event.requestContext.authorizer).toEqual({
      userId: 'u1',
      principalId: 'u1',
    });

    const mixed = await gw.virtual.open(undefined, { tokens: ['good', 'bad', 'good'] });
    expect(mixed.connectionIds).toHaveLength(2);
    expect(mixed.refused).toEqual({ 401: 1 });
    expect((await gw.virtual.open(2)).refused).toEqual({ 401: 2 }); // no token at all
  });

  it('send frames through route selection and the handlers, as a client does', async () => {
    const recorder = new Recorder();
    const gw = await start(recorder);
    const [id = ''] = (await gw.virtual.open(1, { token: 'good' })).connectionIds;
    await gw.virtual.send(id, '{"action":"join_room","roomId":"r"}');
    await gw.virtual.send(id, '{"action":"dance"}');
    const [join] = recorder.byRoute('join_room');
    expect(join?.event.body).toBe('{"action":"join_room","roomId":"r"}');
    expect(join?.event.requestContext).toMatchObject({
      connectionId: id,
      eventType: 'MESSAGE',
      authorizer: { userId: 'u1' },
    });
    expect(recorder.byRoute('$default')).toHaveLength(1);
  });

  it('count the frames each receives; a watcher reports who got a marker, duplicates and when', async () => {
    const gw = await start(new Recorder());
    const [a = '', b = '', c = ''] = (await gw.virtual.open(3, { token: 'good' })).connectionIds;
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 6, 12) });
    const watcher = gw.virtual.watch('m-42');
    await gw.postToConnections([a, b], Buffer.from('{"content":"m-42"}'));
    await gw.postToConnection(c, '{"content":"other"}');
    vi.advanceTimersByTime(250);
    await gw.postToConnection(a, '{"content":"m-42 again"}');
    expect([a, b, c].map((id) => gw.virtual.received(id))).toEqual([2, 1, 1]);
    expect([a, b, c].map((id) => watcher.has(id))).toEqual([true, true, false]);
    expect(watcher.snapshot()).toEqual({
      marker: 'm-42',
      connections: 2,
      frames: 3,
      firstAt: Date.UTC(2026, 11, 6, 12),
      lastAt: Date.UTC(2026, 11, 6, 12) + 250,
    });
    const reached = watcher.until(3);
    await gw.postToConnection(c, 'm-42');
    expect(await reached).toMatchObject({ connections: 3, frames: 4 });
    watcher.stop();
    await gw.postToConnection(c, 'm-42');
    expect(watcher.snapshot().frames).toBe(4);
  });

  it('run $disconnect once closed, after which posts answer 410', async () => {
    const recorder = new Recorder();
    const gw = await start(recorder);
    const [a = '', b = ''] = (await gw.virtual.open(2, { token: 'good' })).connectionIds;
    await gw.virtual.close(a);
    const disconnect = await recorder.waitForRoute('$disconnect', a);
    expect(disconnect.event.requestContext).toMatchObject({
      disconnectStatusCode: 1000,
      disconnectReason: 'Connection Closed Normally',
    });
    expect(gw.virtual.received(a)).toBeUndefined();
    expect(await gw.postToConnection(a, 'x')).toBe('gone');
    expect(await gw.postToConnections([a, b], Buffer.from('x'))).toEqual({
      gone: [a],
      throttled: [],
    });
    const error = await managementClient(gw.callbackUrl)
      .send(new PostToConnectionCommand({ ConnectionId: a, Data: 'x' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GoneException', $metadata: { httpStatusCode: 410 } });
    await expect(gw.virtual.send(a, '{}')).rejects.toThrow(/not open/);
    expect(gw.virtual.received(b)).toBe(1);
  });

  it('are closed by DELETE @connections and by the gateway closing, each with its $disconnect', async () => {
    const recorder = new Recorder();
    const gw = await start(recorder);
    const [a = '', b = ''] = (await gw.virtual.open(2, { token: 'good' })).connectionIds;
    await managementClient(gw.callbackUrl).send(new DeleteConnectionCommand({ ConnectionId: a }));
    expect((await recorder.waitForRoute('$disconnect', a)).event.requestContext).toMatchObject({
      disconnectStatusCode: 1000,
    });
    await gw.close();
    expect((await recorder.waitForRoute('$disconnect', b)).event.requestContext).toMatchObject({
      disconnectStatusCode: 1001,
      disconnectReason: 'Going away',
    });
  });

  it("meet a client's limits: a frame over 32 KB closes with 1009, a post over 128 KB is refused", async () => {
    const recorder = new Recorder();
    const gw = await start(recorder);
    const [a = '', b = ''] = (await gw.virtual.open(2, { token: 'good' })).connectionIds;
    await gw.virtual.send(a, 'x'.repeat(32 * 1024 + 1));
    expect((await recorder.waitForRoute('$disconnect', a)).event.requestContext).toMatchObject({
      disconnectStatusCode: 1009,
    });
    await expect(gw.postToConnection(b, 'x'.repeat(128 * 1024 + 1))).rejects.toMatchObject({
      name: 'PayloadTooLargeException',
    });
    expect(gw.virtual.received(b)).toBe(0);
  });

  it('go through the same latency as real connections', async () => {
    const gw = await start(new Recorder(), { limits: { postLatencyMs: { minMs: 5, maxMs: 5 } } });
    const [a = ''] = (await gw.virtual.open(1, { token: 'good' })).connectionIds;
    vi.useFakeTimers();
    const post = gw.postToConnection(a, 'x');
    await vi.advanceTimersByTimeAsync(4);
    expect(gw.virtual.received(a)).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await post).toBe('sent');
  });
});

describe('the virtual connections HTTP API (dev only)', () => {
  async function call(gw: Gateway, method: string, path: string, body?: unknown) {
    const response = await fetch(`${gw.callbackUrl}/@virtual/${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  it('is not served unless the gateway is started with it', async () => {
    const gw = await start(new Recorder());
    expect((await call(gw, 'POST', 'open', { count: 1, token: 'good' })).status).toBe(404);
  });

  it('opens, sends, counts, watches and closes for another process', async () => {
    const recorder = new Recorder();
    const gw = await start(recorder, { virtualControl: true });
    const opened = await call(gw, 'POST', 'open', { count: 3, token: 'good', concurrency: 2 });
    expect(opened.status).toBe(200);
    const { connectionIds } = opened.body as { connectionIds: string[] };
    expect(connectionIds).toHaveLength(3);
    const [a = '', b = '', c = ''] = connectionIds;

    const watch = await call(gw, 'POST', 'watchers', { marker: 'hello-7' });
    const { watcherId } = watch.body as { watcherId: string };
    const sent = await call(gw, 'POST', 'send', {
      connectionIds: [a, 'AAAAAAAAAAAAAAAAAAAA'],
      frame: '{"action":"join_room","roomId":"r"}',
    });
    expect(sent.body).toEqual({ sent: 1, notOpen: 1 });
    expect(recorder.byRoute('join_room')).toHaveLength(1);

    const waiting = call(gw, 'GET', `watchers/${watcherId}?connections=2&timeoutMs=20000`);
    await gw.postToConnections([b, c], Buffer.from('hello-7'));
    expect((await waiting).body).toMatchObject({ marker: 'hello-7', connections: 2, frames: 2 });
    expect((await call(gw, 'POST', 'received', { connectionIds: [a, b, 'nope'] })).body).toEqual({
      received: [0, 1, null],
    });

    expect((await call(gw, 'POST', 'close', { connectionIds: [a, b] })).body).toEqual({
      closed: 2,
    });
    expect(recorder.byRoute('$disconnect')).toHaveLength(2);
    expect((await call(gw, 'DELETE', `watchers/${watcherId}`)).status).toBe(204);
    expect((await call(gw, 'GET', `watchers/${watcherId}`)).status).toBe(404);
  });

  it('answers loopback clients only', () => {
    for (const address of ['127.0.0.1', '127.3.2.1', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopback(address)).toBe(true);
    }
    for (const address of ['192.0.2.2', '::ffff:10.0.0.1', 'fd00::2', '', undefined]) {
      expect(isLoopback(address)).toBe(false);
    }
  });

  it('answers a malformed call 400 with what is wrong', async () => {
    const gw = await start(new Recorder(), { virtualControl: true });
    expect(await call(gw, 'POST', 'send', { connectionIds: 'a', frame: '{}' })).toEqual({
      status: 400,
      body: { message: 'connectionIds must be an array of strings' },
    });
    expect((await call(gw, 'POST', 'open', { count: -1 })).status).toBe(400);
    expect((await call(gw, 'GET', 'nothing')).status).toBe(404);
  });
});
