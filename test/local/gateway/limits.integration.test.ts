import { afterEach, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../../../local/gateway/index.js';
import { FrameMeter } from '../../../local/gateway/limits.js';
import { connect, lastConnectionId, Recorder, silentLog } from './helpers.js';

let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function setup(options: { idleTimeoutMs?: number; maxConnectionMs?: number } = {}) {
  const recorder = new Recorder();
  gateway = await startGateway({ port: 0, routes: recorder.routes(), log: silentLog, ...options });
  const client = await connect(gateway.url);
  const id = await lastConnectionId(recorder);
  return { recorder, client, id };
}

describe('frame and message limits', () => {
  it('closes with 1009 on a 40 KB text frame, without invoking a route', async () => {
    const { recorder, client, id } = await setup();
    void client.send('x'.repeat(40 * 1024)).catch(() => {});
    expect((await client.closed).code).toBe(1009);
    const event = (await recorder.waitForRoute('$disconnect', id)).event;
    expect(event.requestContext.disconnectStatusCode).toBe(1009);
    expect(recorder.byRoute('$default')).toEqual([]);
  });

  it('closes with 1009 on a 140 KiB text frame', async () => {
    const { recorder, client, id } = await setup();
    void client.send('y'.repeat(140 * 1024)).catch(() => {});
    expect((await client.closed).code).toBe(1009);
    await recorder.waitForRoute('$disconnect', id);
    expect(recorder.byRoute('$default')).toEqual([]);
  });

  it('accepts a fragmented 96 KB message made of frames under 32 KB, as one body', async () => {
    const { recorder, client } = await setup();
    const part = 'z'.repeat(32 * 1024);
    await client.send(part, { fin: false });
    await client.send(part, { fin: false });
    await client.send(part, { fin: true });
    const event = (await recorder.waitForRoute('$default')).event;
    expect(event.body).toHaveLength(96 * 1024);
  });

  it('closes with 1009 on a fragmented message over 128 KB', async () => {
    const { recorder, client, id } = await setup();
    const part = 'w'.repeat(30 * 1024);
    for (let i = 0; i < 5; i += 1) void client.send(part, { fin: i === 4 }).catch(() => {});
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1009, reason: 'Message too big' });
    const event = (await recorder.waitForRoute('$disconnect', id)).event;
    expect(event.requestContext.disconnectReason).toBe('Message too big');
    expect(recorder.byRoute('$default')).toEqual([]);
  });

  it('closes with 1003 on a binary frame', async () => {
    const { recorder, client, id } = await setup();
    void client.send(Buffer.from([1, 2, 3]), { binary: true }).catch(() => {});
    expect((await client.closed).code).toBe(1003);
    const event = (await recorder.waitForRoute('$disconnect', id)).event;
    expect(event.requestContext.disconnectStatusCode).toBe(1003);
    expect(recorder.byRoute('$default')).toEqual([]);
  });

  it('meters frames split across chunks at any byte', () => {
    // A masked 200-byte text frame (16-bit length) followed by a masked 40 000-byte one.
    const frame = (length: number, opcode: number, fin = true) => {
      const header =
        length < 126
          ? Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | length])
          : Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 126, length >> 8, length & 0xff]);
      return Buffer.concat([header, Buffer.alloc(4), Buffer.alloc(length)]);
    };
    const bytes = Buffer.concat([frame(200, 1), frame(40_000, 1)]);
    const meter = new FrameMeter();
    const verdicts = [...bytes].map((byte) => meter.push(Buffer.from([byte])));
    expect(verdicts.filter(Boolean)).toEqual(['frame-too-big']);
    // It fires at the big frame's header, before its payload.
    expect(verdicts.indexOf('frame-too-big')).toBe(200 + 8 + 8 - 1);
    expect(new FrameMeter().push(frame(3, 2))).toBe('binary');
    expect(new FrameMeter().push(Buffer.concat([frame(10, 9), frame(10, 1)]))).toBeUndefined();
  });
});

describe('idle and maximum duration', () => {
  it('closes an idle connection with 1001 Going away and fires $disconnect', async () => {
    const { recorder, client, id } = await setup({ idleTimeoutMs: 200 });
    expect(await client.closed).toEqual({ code: 1001, reason: 'Going away' });
    const event = (await recorder.waitForRoute('$disconnect', id)).event;
    expect(event.requestContext.disconnectStatusCode).toBe(1001);
    expect(event.requestContext.disconnectReason).toBe('Going away');
  });

  it('closes a connection at its maximum duration with 1001 and fires $disconnect', async () => {
    const { recorder, client, id } = await setup({ maxConnectionMs: 200 });
    expect((await client.closed).code).toBe(1001);
    await recorder.waitForRoute('$disconnect', id);
  });
});
