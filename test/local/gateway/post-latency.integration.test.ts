/**
 * GATEWAY_POST_LATENCY_MS: every @connections call takes its latency, in-process and over
 * HTTP alike, and a batch keeps at most its pool's worth of posts in flight.
 */
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { describe, expect, it, vi } from 'vitest';
import type { Gateway, GatewayOptions } from '../../../local/gateway/index.js';
import {
  gatewayPerTest,
  managementClient,
  nextServerRequest,
  Recorder,
  silentLog,
} from './helpers.js';

const startGateway = gatewayPerTest();

function start(limits: GatewayOptions['limits']): Promise<Gateway> {
  return startGateway({ port: 0, routes: new Recorder().routes(), log: silentLog, limits });
}

describe('post latency', () => {
  it('holds an in-process post for its latency, then delivers it', async () => {
    const gw = await start({ postLatencyMs: { minMs: 20, maxMs: 20 } });
    const [id = ''] = (await gw.virtual.open(1)).connectionIds;
    vi.useFakeTimers();
    let outcome: string | undefined;
    void gw.postToConnection(id, 'hello').then((o) => {
      outcome = o;
    });
    await vi.advanceTimersByTimeAsync(19);
    expect(gw.virtual.received(id)).toBe(0);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(gw.virtual.received(id)).toBe(1);
    expect(outcome).toBe('sent');
  });

  it('keeps at most `concurrency` posts of a batch in flight, as a sender pool does', async () => {
    const gw = await start({ postLatencyMs: { minMs: 20, maxMs: 20 } });
    const ids = (await gw.virtual.open(5)).connectionIds;
    vi.useFakeTimers();
    const batch = gw.postToConnections(ids, Buffer.from('{"n":1}'), { concurrency: 2 });
    const delivered = () => ids.filter((id) => gw.virtual.received(id) === 1).length;
    await vi.advanceTimersByTimeAsync(20);
    expect(delivered()).toBe(2);
    await vi.advanceTimersByTimeAsync(20);
    expect(delivered()).toBe(4);
    await vi.advanceTimersByTimeAsync(20);
    expect(delivered()).toBe(5);
    expect(await batch).toEqual({ gone: [], throttled: [] });
  });

  it('draws each call uniformly from a min-max range', async () => {
    const gw = await start({ postLatencyMs: { minMs: 10, maxMs: 50 } });
    const [id = ''] = (await gw.virtual.open(1)).connectionIds;
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // 10 + 40 * 0.5 = 30 ms
    vi.useFakeTimers();
    const post = gw.postToConnection(id, 'x');
    await vi.advanceTimersByTimeAsync(29);
    expect(gw.virtual.received(id)).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await post).toBe('sent');
  });

  it('delays every HTTP call by its own latency: a later call with less overtakes', async () => {
    const gw = await start({ postLatencyMs: { minMs: 0, maxMs: 400 } });
    const [id = ''] = (await gw.virtual.open(1)).connectionIds;
    const watcher = gw.virtual.watch('call');
    const order: string[] = [];
    const api = managementClient(gw.callbackUrl);
    // The first call to reach the gateway draws 400 ms, the second 0 ms.
    const random = vi.spyOn(Math, 'random').mockReturnValueOnce(1).mockReturnValueOnce(0);
    const arrived = nextServerRequest();
    const first = api
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: 'call 1' }))
      .then(() => order.push('first answered'));
    await arrived;
    await vi.waitFor(() => expect(random).toHaveBeenCalledTimes(1));
    const second = api
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: 'call 2' }))
      .then(() => order.push('second answered'));
    await Promise.all([first, second]);
    expect(order).toEqual(['second answered', 'first answered']);
    expect(watcher.snapshot()).toMatchObject({ connections: 1, frames: 2 });
  });
});
