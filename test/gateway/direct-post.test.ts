/**
 * postToConnection: the in-process twin of POST /@connections/{id} that the dev server's
 * direct sender uses. Same outcomes: sent, gone (410) and too large (413).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directSender } from '../../local/direct-sender.js';
import { type Gateway, startGateway } from '../../local/gateway/index.js';
import { connect, lastConnectionId, Recorder, silentLog } from './helpers.js';

let gateway: Gateway;
const recorder = new Recorder();
beforeAll(async () => {
  gateway = await startGateway({ port: 0, routes: recorder.routes(), log: silentLog });
});
afterAll(() => gateway.close());

describe('postToConnection', () => {
  it('sends a frame to an open connection, and reports a closed or unknown one gone', async () => {
    const client = await connect(gateway.url);
    const id = await lastConnectionId(recorder);
    expect(await gateway.postToConnection(id, '{"hello":1}')).toBe('sent');
    expect(await client.message(1)).toBe('{"hello":1}');
    client.ws.close();
    await client.closed;
    expect(await gateway.postToConnection(id, 'x')).toBe('gone');
    expect(await gateway.postToConnection('AAAAAAAAAAAAAAAAAAAA', 'x')).toBe('gone');
  });

  it('refuses a payload over 128 KB', async () => {
    await expect(gateway.postToConnection('any', 'x'.repeat(128 * 1024 + 1))).rejects.toMatchObject(
      {
        name: 'PayloadTooLargeException',
      },
    );
  });

  it('backs the direct sender: broadcast reports gone connections', async () => {
    const client = await connect(gateway.url);
    const id = await lastConnectionId(recorder);
    const sender = directSender(gateway);
    const result = await sender.broadcast([id, 'AAAAAAAAAAAAAAAAAAAA'], '{"n":2}');
    expect(result).toEqual({ gone: ['AAAAAAAAAAAAAAAAAAAA'], failed: 0 });
    expect(await client.message(1)).toBe('{"n":2}');
    expect(await sender.send('AAAAAAAAAAAAAAAAAAAA', 'x')).toBe(false);
    client.ws.close();
    await client.closed;
  });
});
