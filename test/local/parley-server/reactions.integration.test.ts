/**
 * Reactions, threads and mentions end to end (protocol v2, "Messages"): real WebSocket
 * clients, the local gateway, the Management API client, PostgreSQL, Redis and DynamoDB.
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

describe('reactions, threads and mentions', () => {
  it('reach the room, and every read shows counts with each reader’s own me', async () => {
    const room = uid();
    const alice = await parley.connect('alice');
    let bob = await parley.connect('bob');
    await alice.join(room);
    await bob.join(room);
    const root = await alice.send(room, 'lunch, @bob?');
    expect(root.mentions).toEqual(['bob']);
    await bob.nextMessage(room, 'lunch, @bob?');

    const ack = await bob.request({
      action: 'react',
      roomId: room,
      seq: root.seq,
      emoji: '👍',
      on: true,
    });
    expect(ack).toMatchObject({
      type: 'ack',
      message: { seq: root.seq, reactions: [{ emoji: '👍', count: 1, me: true }] },
    });
    expect(await alice.next((f) => f.type === 'reaction')).toEqual({
      type: 'reaction',
      roomId: room,
      seq: root.seq,
      userId: 'bob',
      emoji: '👍',
      on: true,
    });

    const reply = await bob.request({
      action: 'send_message',
      roomId: room,
      content: 'yes!',
      clientMsgId: uid(),
      replyTo: root.seq,
    });
    expect(reply).toMatchObject({ type: 'ack', message: { replyTo: root.seq } });
    await alice.nextMessage(room, 'yes!');

    // History (the cached window) and a fresh join: the same counts, me per reader.
    const aliceHistory = await alice.request({ action: 'get_history', roomId: room });
    expect((aliceHistory.messages as Message[])[0]?.reactions).toEqual([
      { emoji: '👍', count: 1, me: false },
    ]);
    await bob.close();
    bob = await parley.connect('bob');
    const joined = await bob.join(room);
    expect((joined.messages as Message[])[0]?.reactions).toEqual([
      { emoji: '👍', count: 1, me: true },
    ]);

    const thread = await alice.request({ action: 'get_thread', roomId: room, seq: root.seq });
    expect(thread).toMatchObject({ type: 'room_history', roomId: room, hasMore: false });
    expect((thread.messages as Message[]).map((m) => [m.content, m.replyTo])).toEqual([
      ['yes!', root.seq],
    ]);
    await Promise.all([alice.close(), bob.close()]);
  });
});
