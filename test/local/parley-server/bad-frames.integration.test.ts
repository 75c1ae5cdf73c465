/**
 * Bad input through the local gateway: every malformed frame earns an `error` reply and
 * the connection stays usable; only the size and binary rules close it (1009, 1003).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

let parley: TestParley;
let client: ChatClient;
const room = uid();

beforeAll(async () => {
  parley = await startTestParley();
  client = await parley.connect('alice');
  await client.join(room);
});
afterAll(async () => {
  await client.close();
  await parley.close();
});

/** Sends raw text and waits for the error frame it earns. */
async function errorFor(raw: string) {
  const before = client.frames.length;
  client.sendRaw(raw);
  return client.next((f) => f.type === 'error' && client.frames.indexOf(f) >= before);
}

/** The connection still serves a valid request. */
async function stillWorks() {
  const reply = await client.request({ action: 'get_history', roomId: room, limit: 1 });
  expect(reply.type).toBe('room_history');
}

describe('malformed frames get an error and keep the connection', () => {
  const cases: [string, string, string][] = [
    ['not JSON', 'hello there', 'bad_request'],
    ['a JSON array', '[1,2,3]', 'bad_request'],
    ['a JSON string', '"join_room"', 'bad_request'],
    ['no action', '{"roomId":"x"}', 'bad_request'],
    ['an unknown action', '{"action":"dance"}', 'unknown_action'],
    ['join without roomId', '{"action":"join_room"}', 'bad_request'],
    ['send without content', `{"action":"send_message","roomId":"${room}"}`, 'bad_request'],
    [
      'content of the wrong type',
      `{"action":"send_message","roomId":"${room}","content":42}`,
      'bad_request',
    ],
    ['empty content', `{"action":"send_message","roomId":"${room}","content":""}`, 'bad_request'],
    // Acked and then stored as "x\ufffdy" before: PostgreSQL cannot keep a lone surrogate.
    [
      'content with a lone surrogate',
      `{"action":"send_message","roomId":"${room}","content":"x\\ud800y"}`,
      'bad_request',
    ],
    [
      'a clientMsgId with a lone surrogate',
      `{"action":"send_message","roomId":"${room}","content":"x","clientMsgId":"m\\udc00"}`,
      'bad_request',
    ],
    ['an invalid roomId', '{"action":"join_room","roomId":"no spaces/allowed"}', 'bad_request'],
    [
      'a roomId of 65 characters',
      `{"action":"join_room","roomId":"${'a'.repeat(65)}"}`,
      'bad_request',
    ],
    ['a limit over 100', `{"action":"get_history","roomId":"${room}","limit":101}`, 'bad_request'],
    ['a fractional since', `{"action":"join_room","roomId":"${room}","since":1.5}`, 'bad_request'],
    [
      'a clientMsgId over 64',
      `{"action":"send_message","roomId":"${room}","content":"x","clientMsgId":"${'k'.repeat(65)}"}`,
      'bad_request',
    ],
    [
      'a requestId over 64',
      `{"action":"join_room","roomId":"${room}","requestId":"${'r'.repeat(65)}"}`,
      'bad_request',
    ],
    [
      'SQL in a roomId',
      `{"action":"join_room","roomId":"x'; DROP TABLE rooms; --"}`,
      'bad_request',
    ],
  ];
  for (const [name, raw, code] of cases) {
    it(`answers ${name} with ${code}`, async () => {
      expect(await errorFor(raw)).toMatchObject({ type: 'error', code });
      await stillWorks();
    });
  }

  it('answers over-long content with payload_too_large, echoing the requestId', async () => {
    const reply = await client.request({
      action: 'send_message',
      roomId: room,
      content: 'x'.repeat(4001),
    });
    expect(reply).toMatchObject({ type: 'error', code: 'payload_too_large' });
    expect(typeof reply.requestId).toBe('string');
    await stillWorks();
  });

  it('echoes the requestId on errors for frames that had one', async () => {
    client.sendRaw(JSON.stringify({ action: 'nope', requestId: 'r-42' }));
    expect(await client.next((f) => f.requestId === 'r-42')).toEqual({
      type: 'error',
      code: 'unknown_action',
      message: expect.any(String),
      requestId: 'r-42',
    });
  });
});

describe('limits that close the connection, as API Gateway does', () => {
  it('closes a 40 KB frame with 1009', async () => {
    const c = await parley.connect('bob');
    c.sendRaw(
      JSON.stringify({ action: 'send_message', roomId: room, content: 'x'.repeat(40_000) }),
    );
    expect((await c.closed).code).toBe(1009);
  });

  it('closes a 140 KiB frame with 1009', async () => {
    const c = await parley.connect('bob');
    c.sendRaw('y'.repeat(140 * 1024));
    expect((await c.closed).code).toBe(1009);
  });

  it('closes a binary frame with 1003', async () => {
    const c = await parley.connect('bob');
    c.sendRaw(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.closed).code).toBe(1003);
  });

  it('kept the first connection open through all of it', async () => {
    await stillWorks();
  });
});

describe('tokens whose sub the stores cannot keep', () => {
  // They connected before, then every join answered `internal`.
  it.each([
    ['a NUL', 'ali\u0000ce'],
    ['a lone surrogate', 'ali\ud800ce'],
    ['10 KB', 'a'.repeat(10_240)],
  ])('refuses a sub with %s at the handshake (401)', async (_, sub) => {
    const refused = await ChatClient.connect(parley.url, await parley.token(sub)).then(
      async (opened) => {
        await opened.close();
        return undefined;
      },
      (error: { status?: number }) => error.status,
    );
    expect(refused).toBe(401);
  });
});
