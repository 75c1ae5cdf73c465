/**
 * edit_message and delete_message end to end (protocol v2, "Messages"): real WebSocket
 * clients, the local gateway, the Management API client, PostgreSQL, Redis and DynamoDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../functions/core/message.js';
import type { ChatClient, Frame } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(() => parley.close());

const ofType = (client: ChatClient, type: string) => client.frames.filter((f) => f.type === type);
const ackedMessage = (reply: Frame): Message => {
  expect(reply.type, JSON.stringify(reply)).toBe('ack');
  return reply.message as Message;
};

describe('edit_message', () => {
  it('reaches the others as message_updated, and history serves it after a reconnect', async () => {
    const room = uid();
    const alice = await parley.connect('alice');
    let bob = await parley.connect('bob');
    await alice.join(room);
    await bob.join(room);
    const sent = await bob.send(room, 'helo');
    await alice.nextMessage(room, 'helo');

    const edit = { action: 'edit_message', roomId: room, seq: sent.seq, content: 'hello' };
    const edited = ackedMessage(await bob.request(edit));
    expect(edited).toEqual({ ...sent, content: 'hello', editedAt: expect.any(String), rev: 1 });
    const update = await alice.next((f) => f.type === 'message_updated');
    expect(update).toEqual({ type: 'message_updated', message: edited });

    // A retry: the same ack, and nothing more for the room.
    expect(ackedMessage(await bob.request(edit))).toEqual(edited);
    await bob.send(room, 'after');
    await alice.nextMessage(room, 'after');
    expect(ofType(alice, 'message_updated')).toHaveLength(1);
    expect(ofType(bob, 'message_updated')).toHaveLength(0);

    await bob.close();
    bob = await parley.connect('bob');
    const joined = await bob.join(room);
    expect((joined.messages as Message[])[0]).toEqual(edited);
    const history = await bob.request({ action: 'get_history', roomId: room });
    expect((history.messages as Message[]).map((m) => m.content)).toEqual(['hello', 'after']);
    await Promise.all([alice.close(), bob.close()]);
  });

  it("is forbidden on someone else's message", async () => {
    const room = uid();
    const alice = await parley.connect('alice');
    const bob = await parley.connect('bob');
    await alice.join(room);
    await bob.join(room);
    const { seq } = await bob.send(room, 'mine');
    const reply = await alice.request({ action: 'edit_message', roomId: room, seq, content: 'x' });
    expect(reply).toMatchObject({ type: 'error', code: 'forbidden' });
    await Promise.all([alice.close(), bob.close()]);
  });
});

describe('delete_message', () => {
  it("lets the room's owner delete another's message, and not a member", async () => {
    const room = uid();
    // alice creates the room by joining it first: she owns it.
    const alice = await parley.connect('alice');
    const bob = await parley.connect('bob');
    const carol = await parley.connect('carol');
    for (const client of [alice, bob, carol]) await client.join(room);
    const spam = await bob.send(room, 'spam');
    await Promise.all([alice.nextMessage(room, 'spam'), carol.nextMessage(room, 'spam')]);

    const refused = await carol.request({ action: 'delete_message', roomId: room, seq: spam.seq });
    expect(refused).toMatchObject({ type: 'error', code: 'forbidden' });

    const remove = { action: 'delete_message', roomId: room, seq: spam.seq };
    const tombstone = ackedMessage(await alice.request(remove));
    expect(tombstone).toEqual({ ...spam, content: '', deleted: true, rev: 1 });
    const deleted = { type: 'message_deleted', roomId: room, seq: spam.seq };
    expect(await bob.next((f) => f.type === 'message_deleted')).toEqual(deleted);
    expect(await carol.next((f) => f.type === 'message_deleted')).toEqual(deleted);

    // A retry (and the author's own delete after it): the same tombstone, nothing more.
    expect(ackedMessage(await alice.request(remove))).toEqual(tombstone);
    expect(ackedMessage(await bob.request(remove))).toEqual(tombstone);
    await alice.send(room, 'after');
    await carol.nextMessage(room, 'after');
    expect(ofType(carol, 'message_deleted')).toHaveLength(1);

    const history = await carol.request({ action: 'get_history', roomId: room });
    expect(history.messages).toEqual([tombstone, expect.objectContaining({ content: 'after' })]);
    const edit = { action: 'edit_message', roomId: room, seq: spam.seq, content: 'back' };
    expect(await bob.request(edit)).toMatchObject({ type: 'error', code: 'forbidden' });
    await Promise.all([alice.close(), bob.close(), carol.close()]);
  });
});
