/**
 * postToConnection: the in-process twin of POST /@connections/{id} that the dev server's
 * direct sender uses. Same outcomes: sent, gone (410) and too large (413).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directSender } from '../../../local/direct-sender.js';
import { type Gateway, startGateway } from '../../../local/gateway/index.js';
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

  it('posts one frame to many connections, reporting the closed and unknown ones gone', async () => {
    const first = await connect(gateway.url);
    const firstId = await lastConnectionId(recorder);
    const second = await connect(gateway.url);
    const secondId = await lastConnectionId(recorder);
    const third = await connect(gateway.url);
    const thirdId = await lastConnectionId(recorder);
    third.ws.close();
    await third.closed;
    const frame = Buffer.from('{"many":1}');
    const result = await gateway.postToConnections(
      [firstId, thirdId, secondId, 'AAAAAAAAAAAAAAAAAAAA'],
      frame,
    );
    expect(result.gone.sort()).toEqual([thirdId, 'AAAAAAAAAAAAAAAAAAAA'].sort());
    expect(await first.message(1)).toBe('{"many":1}');
    expect(await second.message(1)).toBe('{"many":1}');
    expect(await gateway.postToConnections([], frame)).toEqual({ gone: [], throttled: [] });
    await expect(
      gateway.postToConnections([firstId], Buffer.alloc(128 * 1024 + 1, 'x')),
    ).rejects.toMatchObject({ name: 'PayloadTooLargeException' });
    first.ws.close();
    second.ws.close();
    await Promise.all([first.closed, second.closed]);
  });

  it('backs the direct sender: broadcast reports gone connections', async () => {
    const client = await connect(gateway.url);
    const id = await lastConnectionId(recorder);
    const sender = directSender(gateway);
    const result = await sender.broadcast([id, 'AAAAAAAAAAAAAAAAAAAA'], '{"n":2}');
    expect(result).toEqual({ gone: ['AAAAAAAAAAAAAAAAAAAA'], retry: [], failed: 0 });
    expect(await client.message(1)).toBe('{"n":2}');
    expect(await sender.send('AAAAAAAAAAAAAAAAAAAA', 'x')).toBe(false);
    // Over 128 KB every post fails (413 each on AWS); the broadcast itself does not throw.
    expect(
      await sender.broadcast([id, 'AAAAAAAAAAAAAAAAAAAA'], 'x'.repeat(128 * 1024 + 1)),
    ).toEqual({ gone: [], retry: [], failed: 2 });
    client.ws.close();
    await client.closed;
  });
});
