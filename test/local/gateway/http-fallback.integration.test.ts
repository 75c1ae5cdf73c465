/**
 * The gateway's HTTP fallback (what serves the dev chat page): it may answer asynchronously,
 * and a failing one answers 500 instead of taking the gateway down.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, type GatewayOptions, startGateway } from '../../../local/gateway/index.js';
import { connect, Recorder, silentLog } from './helpers.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(httpFallback: GatewayOptions['httpFallback']): Promise<Gateway> {
  gateway = await startGateway({
    port: 0,
    routes: new Recorder().routes(),
    log: silentLog,
    httpFallback,
  });
  return gateway;
}

describe('HTTP fallback', () => {
  it('may answer after awaiting something', async () => {
    const gw = await start(async (_req, res) => {
      const body = await Promise.resolve('later');
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end(body);
    });
    const res = await fetch(`${gw.callbackUrl}/anything`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('later');
  });

  it('answers 500 when it throws or rejects, and the gateway keeps serving', async () => {
    const gw = await start((req) => {
      if (req.url === '/sync') throw new Error('sync failure');
      return Promise.reject(new Error('async failure'));
    });
    for (const path of ['/sync', '/async']) {
      const res = await fetch(`${gw.callbackUrl}${path}`);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ message: 'Internal server error' });
    }
    // WebSocket upgrades are not the fallback's: they still open.
    const client = await connect(gw.url);
    client.ws.close();
    expect((await client.closed).code).toBe(1005);
  });
});
