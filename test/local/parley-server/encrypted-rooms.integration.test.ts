/**
 * End-to-end encrypted rooms through the local gateway (real WebSocket clients,
 * PostgreSQL, Redis, DynamoDB): plaintext is refused, ciphertext is relayed as sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../functions/core/message.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const b64 = (bytes: number, fill: number) => Buffer.alloc(bytes, fill).toString('base64url');

describe('an encrypted room', () => {
  it('refuses a plaintext send and edit, and relays ciphertext byte for byte', async () => {
    const room = uid();
    const alice = await parley.connect('alice');
    const bob = await parley.connect('bob');
    const created = await alice.request({ action: 'create_room', roomId: room, encrypted: true });
    expect(created).toMatchObject({ type: 'room', room: { encrypted: true } });
    await alice.join(room);
    // The join reply says so, for a client that did not create the room.
    expect(await bob.join(room)).toMatchObject({ type: 'room_history', encrypted: true });

    const plain = await alice.request({ action: 'send_message', roomId: room, content: 'hi @bob' });
    expect(plain).toMatchObject({
      type: 'error',
      code: 'bad_request',
      message: `room ${room} is end-to-end encrypted: content must be ciphertext from the SDK`,
    });

    const ciphertext = `pe1.${b64(12, 7)}.${b64(61, 9)}`;
    const sent = await alice.send(room, ciphertext);
    expect(sent.content).toBe(ciphertext);
    const relayed = await bob.next((f) => f.type === 'new_message');
    expect((relayed.message as Message).content).toBe(ciphertext);
    expect((relayed.message as Message).mentions).toBeUndefined();

    const edit = { action: 'edit_message', roomId: room, seq: sent.seq };
    const refused = await alice.request({ ...edit, content: 'in the clear' });
    expect(refused).toMatchObject({ type: 'error', code: 'bad_request' });
    const edited = `pe1.${b64(12, 8)}.${b64(20, 10)}`;
    expect(await alice.request({ ...edit, content: edited })).toMatchObject({
      type: 'ack',
      message: { content: edited },
    });

    const history = await bob.request({ action: 'get_history', roomId: room });
    expect((history.messages as Message[]).map((m) => m.content)).toEqual([edited]);
    const toggle = await alice.request({ action: 'update_room', roomId: room, encrypted: false });
    expect(toggle).toMatchObject({ type: 'error', code: 'bad_request' });
    await Promise.all([alice.close(), bob.close()]);
  });

  it('leaves other rooms as they were', async () => {
    const room = uid();
    const alice = await parley.connect('alice');
    expect((await alice.join(room)).encrypted).toBeUndefined();
    const sent = await alice.send(room, 'hello @bob');
    expect(sent).toMatchObject({ content: 'hello @bob', mentions: ['bob'] });
    await alice.close();
  });
});
