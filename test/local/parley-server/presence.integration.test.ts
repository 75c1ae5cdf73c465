/**
 * Typing and presence end to end (protocol v2, "Read state, typing, presence"): real
 * WebSocket clients, the local gateway, the Management API client, PostgreSQL, Redis and
 * DynamoDB. A second server with a one-second presence TTL shows a silent connection
 * listed offline: the test waits for that answer, asking again, never for a fixed time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceEntry } from '../../../functions/core/server-frames.js';
import type { ChatClient, Frame } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

const usersOf = (list: Frame) => list.users as PresenceEntry[];

describe('typing, status and presence', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley();
  });
  afterAll(() => parley.close());

  it('relays typing, shows a status to the other user, answers ping', async () => {
    const room = uid();
    const alice = await parley.connect('alice');
    const bob = await parley.connect('bob');
    await alice.join(room);
    await bob.join(room);

    bob.socket.send(JSON.stringify({ action: 'typing', roomId: room, state: 'start' }));
    expect(await alice.next((f) => f.type === 'typing')).toEqual({
      type: 'typing',
      roomId: room,
      userId: 'bob',
      state: 'start',
    });

    const status = await bob.request({ action: 'set_status', status: 'away', text: 'lunch' });
    expect(status).toMatchObject({ type: 'status', status: 'away', text: 'lunch' });
    expect(await alice.next((f) => f.type === 'presence' && f.status === 'away')).toEqual({
      type: 'presence',
      roomId: room,
      userId: 'bob',
      status: 'away',
      text: 'lunch',
    });

    const list = await alice.request({ action: 'get_presence', roomId: room });
    expect(list.type).toBe('presence_list');
    expect(usersOf(list)).toEqual([
      { userId: 'alice', status: 'online' },
      { userId: 'bob', status: 'away', text: 'lunch' },
    ]);
    expect(await alice.request({ action: 'ping' })).toMatchObject({ type: 'pong' });
    await Promise.all([alice.close(), bob.close()]);
  });
});

describe('the presence TTL', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ PRESENCE_TTL_SEC: '1' });
  });
  afterAll(() => parley.close());

  it('lists a connection silent past the TTL offline with lastSeen, and tells the room', async () => {
    const room = uid();
    const bob = await parley.connect('bob');
    await bob.join(room);
    const alice: ChatClient = await parley.connect('alice');
    const joinedAt = Date.now();
    await alice.join(room);
    // Alice keeps asking (each request is her heartbeat) until bob's silence passes 1 s.
    let bobEntry: PresenceEntry | undefined;
    while (bobEntry?.status !== 'offline') {
      const list = await alice.request({ action: 'get_presence', roomId: room });
      bobEntry = usersOf(list).find((u) => u.userId === 'bob');
    }
    expect(bobEntry.lastSeen).toEqual(expect.any(String));
    expect(Date.parse(bobEntry.lastSeen ?? '')).toBeLessThanOrEqual(joinedAt);
    expect(await alice.next((f) => f.type === 'presence' && f.userId === 'bob')).toEqual({
      type: 'presence',
      roomId: room,
      userId: 'bob',
      status: 'offline',
      lastSeen: bobEntry.lastSeen,
    });
    await Promise.all([alice.close(), bob.close()]);
  });
});
