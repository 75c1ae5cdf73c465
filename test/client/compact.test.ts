/**
 * The SDK asks for compact frames by default and decodes them with the published table;
 * a client reading long frames sees exactly the same events.
 */
import { describe, expect, it } from 'vitest';
import { handshakeUrl, parseServerFrame } from '../../client/compact.js';
import type { Message } from '../../client/index.js';
import { encodeCompact } from '../../protocol/compact-codec.js';
import { SAMPLES } from '../support/server-frame-samples.js';
import { FakeParley } from './fake-parley.js';
import { contents, sdkHarness, until } from './harness.js';

const { setup } = sdkHarness();

describe('the handshake', () => {
  it('asks for compact frames by default, and not when told long', () => {
    expect(handshakeUrl('wss://x.test/prod', 't', 'compact')).toBe(
      'wss://x.test/prod?token=t&format=compact',
    );
    expect(handshakeUrl('wss://x.test/prod?format=compact', 't', 'long')).toBe(
      'wss://x.test/prod?token=t',
    );
  });

  it('connects compact unless the options say long', async () => {
    const server = new FakeParley();
    const compact = setup({}, server);
    const long = setup({ format: 'long', token: 'bob' }, server);
    await Promise.all([compact.client.join('r'), long.client.join('r')]);
    const [alice, bob] = ['alice', 'bob'].map((t) => server.sockets.find((s) => s.token === t));
    expect(alice?.compact).toBe(true);
    expect(bob?.compact).toBe(false);
    expect(bob?.url).toBe('ws://parley.test/stage?token=bob');
  });
});

describe('reading frames', () => {
  it.each(Object.values(SAMPLES).map((f) => [f.type, f] as const))(
    'reads a compact %s as its long form',
    (_, frame) => {
      expect(parseServerFrame(JSON.stringify(encodeCompact(frame)))).toEqual(frame);
    },
  );

  it('reads a long frame as it is (a server without compact frames)', () => {
    expect(parseServerFrame(JSON.stringify(SAMPLES.reaction))).toEqual(SAMPLES.reaction);
  });

  it("leaves API Gateway's own error frame alone", () => {
    const gateway = { message: 'Forbidden', connectionId: 'c=', requestId: 'r=' };
    expect(parseServerFrame(JSON.stringify(gateway))).toEqual(gateway);
  });

  it('gives a compact and a long client the same messages and events', async () => {
    const server = new FakeParley();
    const compact = setup({}, server);
    const long = setup({ format: 'long', token: 'bob' }, server);
    const raw: string[] = [];
    await Promise.all([compact.client.join('r'), long.client.join('r')]);
    const compactSocket = server.sockets.find((socket) => socket.token === 'alice');
    compactSocket?.addEventListener('message', ((e: { data: string }) =>
      raw.push(e.data)) as never);
    const typing: string[][] = [];
    compact.client.on('typing', (t) => typing.push(['compact', t.userId, t.state]));
    long.client.on('typing', (t) => typing.push(['long', t.userId, t.state]));
    await long.client.send('r', 'from bob', { replyTo: undefined });
    server.post('r', 'from carol', 'carol');
    await until(() => compact.received.length === 2 && long.received.length === 2, 'both');
    const strip = (ms: Message[]) =>
      ms.map(({ seq, userId, content }) => ({ seq, userId, content }));
    expect(strip(compact.received)).toEqual(strip(long.received));
    expect(contents(compact.received)).toEqual(['from bob', 'from carol']);
    // What reached the compact socket was compact.
    expect(raw.length).toBeGreaterThan(0);
    for (const text of raw) expect(JSON.parse(text)).not.toHaveProperty('type');
    expect(raw.some((text) => JSON.parse(text).t === 'm')).toBe(true);
  });
});
