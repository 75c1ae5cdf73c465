import {
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../local/gateway/index.js';
import { connectionIdFromPath } from '../../../local/gateway/management-api.js';
import { connect, lastConnectionId, managementClient, Recorder, silentLog } from './helpers.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** Ids with `/`, `+` and `=` in them every time, as real ones often have. */
function awkwardIds(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `a/b+c/${String(n).padStart(9, '0')}=`; // 16 characters, like AWS's
  };
}

async function setup() {
  const recorder = new Recorder();
  gateway = await startGateway({
    port: 0,
    stage: 'local',
    routes: recorder.routes(),
    log: silentLog,
    connectionIdFactory: awkwardIds(),
  });
  const client = await connect(gateway.url, { headers: { 'User-Agent': 'agent/2' } });
  const id = await lastConnectionId(recorder);
  return { recorder, client, id, gateway };
}

describe('@connections management API with the real SDK client', () => {
  it('POST sends the body as one text frame; works with and without the stage prefix', async () => {
    const { client, id, gateway: gw } = await setup();
    expect(id).toMatch(/[/+]/);
    await managementClient(gw.callbackUrl).send(
      new PostToConnectionCommand({ ConnectionId: id, Data: '{"type":"ack","n":1}' }),
    );
    await managementClient(`${gw.callbackUrl}/local`).send(
      new PostToConnectionCommand({ ConnectionId: id, Data: new TextEncoder().encode('héllo') }),
    );
    expect(await client.message(1)).toBe('{"type":"ack","n":1}');
    expect(await client.message(2)).toBe('héllo');
  });

  it('POST over 128 KB answers 413 PayloadTooLargeException and sends nothing', async () => {
    const { client, id, gateway: gw } = await setup();
    const api = managementClient(gw.callbackUrl);
    const error = await api
      .send(new PostToConnectionCommand({ ConnectionId: id, Data: 'p'.repeat(128 * 1024 + 1) }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'PayloadTooLargeException',
      $metadata: { httpStatusCode: 413 },
    });
    await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'p'.repeat(128 * 1024) }));
    expect(await client.message(1)).toHaveLength(128 * 1024);
  });

  it('GET describes the connection with ISO timestamps the SDK parses to Dates', async () => {
    const { recorder, client, id, gateway: gw } = await setup();
    const connectedAt = (await recorder.waitForRoute('$connect')).event.requestContext.connectedAt;
    await client.send('activity');
    await recorder.waitForRoute('$default');
    const result = await managementClient(gw.callbackUrl).send(
      new GetConnectionCommand({ ConnectionId: id }),
    );
    expect(result.ConnectedAt).toEqual(new Date(connectedAt));
    expect(result.Identity).toEqual({ SourceIp: '127.0.0.1', UserAgent: 'agent/2' });
    expect(result.LastActiveAt?.getTime()).toBeGreaterThanOrEqual(connectedAt);
    expect(result.$metadata.httpStatusCode).toBe(200);

    const raw = await fetch(`${gw.callbackUrl}/@connections/${encodeURIComponent(id)}`);
    const body: unknown = await raw.json();
    expect(body).toEqual({
      connectedAt: new Date(connectedAt).toISOString(),
      identity: { sourceIp: '127.0.0.1', userAgent: 'agent/2' },
      lastActiveAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
  });

  it('DELETE answers 204, closes the socket and fires $disconnect', async () => {
    const { recorder, client, id, gateway: gw } = await setup();
    const result = await managementClient(gw.callbackUrl).send(
      new DeleteConnectionCommand({ ConnectionId: id }),
    );
    expect(result.$metadata.httpStatusCode).toBe(204);
    expect((await client.closed).code).toBe(1000);
    const event = (await recorder.waitForRoute('$disconnect', id)).event;
    expect(event.requestContext.disconnectStatusCode).toBe(1000);
    expect(event.requestContext.disconnectReason).toBe('Connection Closed Normally');
  });

  it('answers 410 GoneException for unknown and closed connections', async () => {
    const { recorder, client, id, gateway: gw } = await setup();
    const api = managementClient(gw.callbackUrl);
    client.ws.close();
    await recorder.waitForRoute('$disconnect', id);
    const calls = [
      () => api.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'late' })),
      () => api.send(new GetConnectionCommand({ ConnectionId: id })),
      () => api.send(new DeleteConnectionCommand({ ConnectionId: id })),
      () => api.send(new PostToConnectionCommand({ ConnectionId: 'never/existed=', Data: 'x' })),
    ];
    for (const call of calls) {
      const error: unknown = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      const err = error as Error & { $metadata?: { httpStatusCode?: number } };
      expect(err.name).toBe('GoneException');
      expect(err.$metadata?.httpStatusCode).toBe(410);
    }
    const raw = await fetch(`${gw.callbackUrl}/@connections/nope`, { method: 'POST', body: 'x' });
    expect(raw.status).toBe(410);
    expect(raw.headers.get('x-amzn-errortype')).toBe('GoneException');
    expect(raw.headers.get('content-type')).toBe('application/json');
    expect(await raw.json()).toEqual({ message: expect.any(String) });
  });

  it('answers 403 to methods the API does not have, 404 elsewhere, or the fallback', async () => {
    const { id, gateway: gw } = await setup();
    const put = await fetch(`${gw.callbackUrl}/@connections/${encodeURIComponent(id)}`, {
      method: 'PUT',
      body: 'x',
    });
    expect(put.status).toBe(403);
    expect(put.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect((await fetch(`${gw.callbackUrl}/index.html`)).status).toBe(404);

    const other = await startGateway({
      port: 0,
      routes: {},
      log: silentLog,
      httpFallback: (_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain' }).end('page'),
    });
    try {
      const page = await fetch(`${other.callbackUrl}/`);
      expect(await page.text()).toBe('page');
    } finally {
      await other.close();
    }
  });

  it('decodes connection ids in paths', () => {
    expect(connectionIdFromPath('/@connections/ab%2Fc%2Bd%3D')).toBe('ab/c+d=');
    expect(connectionIdFromPath('/local/%40connections/abc%3D')).toBe('abc=');
    expect(connectionIdFromPath('/@connections/abc?x=1')).toBe('abc');
    expect(connectionIdFromPath('/a/b/@connections/abc')).toBeUndefined();
    expect(connectionIdFromPath('/')).toBeUndefined();
  });
});
