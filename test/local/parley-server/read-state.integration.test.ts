/**
 * Read state end to end (protocol v2, "Read state"), the acceptance point: unread
 * counts stay correct across two devices of one user through reconnects and a Redis flush.
 * Real WebSocket clients, the local gateway, PostgreSQL, Redis and DynamoDB; the flush is
 * of this server's own key prefix, never of the whole Redis.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient, Frame } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { deleteKeysUnder, testRedis, uid } from '../../support/services.js';

let parley: TestParley;
let redis: Redis;
beforeAll(async () => {
  parley = await startTestParley();
  redis = testRedis();
});
afterAll(async () => {
  redis.disconnect();
  await parley.close();
});

/** The read state a device shows for a room, from `list_rooms` and from `join_room`. */
async function shown(device: ChatClient, room: string) {
  const listed = await device.request({ action: 'list_rooms' });
  const summary = (listed.rooms as Frame[]).find((r) => r.roomId === room);
  const joined = await device.join(room);
  return {
    listed: { readSeq: summary?.readSeq, unread: summary?.unread },
    joined: { readSeq: joined.readSeq, unread: joined.unread },
  };
}

const both = (readSeq: number, unread: number) => ({
  listed: { readSeq, unread },
  joined: { readSeq, unread },
});

describe('read state across two devices', () => {
  it('keeps one unread count through mark_read, reconnects and a Redis flush', async () => {
    const room = uid('read');
    const bob = `bob-${room}`;
    const alice = await parley.connect('alice');
    const phone = await parley.connect(bob);
    const laptop = await parley.connect(bob);
    await alice.join(room);
    await phone.join(room);
    await laptop.join(room);
    for (let i = 1; i <= 5; i++) await alice.send(room, `m${i}`);
    await Promise.all([phone.nextMessage(room, 'm5'), laptop.nextMessage(room, 'm5')]);

    const state = { type: 'read_state', roomId: room, readSeq: 3, unread: 2 };
    const answer = await phone.request({ action: 'mark_read', roomId: room, seq: 3 });
    expect(answer).toEqual({ ...state, requestId: expect.any(String) });
    expect(await laptop.next((f) => f.type === 'read_state')).toEqual(state);
    expect(await alice.next((f) => f.type === 'read')).toEqual({
      type: 'read',
      roomId: room,
      userId: bob,
      seq: 3,
    });
    // A mark behind the cursor answers the state and tells nobody.
    const behind = await laptop.request({ action: 'mark_read', roomId: room, seq: 1 });
    expect(behind).toMatchObject({ readSeq: 3, unread: 2 });

    await Promise.all([phone.close(), laptop.close()]);
    let devices = [await parley.connect(bob), await parley.connect(bob)];
    for (const device of devices) expect(await shown(device, room)).toEqual(both(3, 2));

    // The cache is lost: this server's keys, the room's connections and throttles with them.
    expect(await deleteKeysUnder(redis, parley.redisPrefix)).toBeGreaterThan(0);
    await alice.send(room, 'm6');
    await Promise.all(devices.map((d) => d.nextMessage(room, 'm6')));
    await Promise.all(devices.map((d) => d.close()));
    devices = [await parley.connect(bob), await parley.connect(bob)];
    for (const device of devices) expect(await shown(device, room)).toEqual(both(3, 3));

    const [first, second] = devices as [ChatClient, ChatClient];
    await first.request({ action: 'mark_read', roomId: room, seq: 6 });
    expect(await second.next((f) => f.type === 'read_state')).toMatchObject({
      readSeq: 6,
      unread: 0,
    });
    expect(await alice.next((f) => f.type === 'read' && f.seq === 6)).toMatchObject({
      userId: bob,
    });
    expect(await shown(second, room)).toEqual(both(6, 0));
    await Promise.all([alice.close(), first.close(), second.close()]);
  });

  it('refuses mark_read from a connection that has not joined the room', async () => {
    const room = uid('read');
    const alice = await parley.connect('alice');
    await alice.join(room);
    const stranger = await parley.connect(`stranger-${room}`);
    const reply = await stranger.request({ action: 'mark_read', roomId: room, seq: 1 });
    expect(reply).toMatchObject({ type: 'error', code: 'forbidden' });
    await Promise.all([alice.close(), stranger.close()]);
  });
});
