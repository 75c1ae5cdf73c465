/**
 * Presence with status in the SDK against the fake server: `setStatus`, `getPresence`,
 * `ping`, the `presence` events' status and text, and the idle ping under fake timers.
 */
import { describe, expect, it, vi } from 'vitest';
import type { PresenceEvent } from '../../client/index.js';
import { FakeParley } from './fake-parley.js';
import { sdkHarness, until } from './harness.js';

const { setup } = sdkHarness();

describe('status', () => {
  it('setStatus tells the rooms; away and dnd stay online, offline leaves', async () => {
    const server = new FakeParley();
    const alice = setup({ token: 'alice' }, server);
    const bob = setup({ token: 'bob' }, server);
    await alice.client.join('r');
    await bob.client.join('r');
    const seen: PresenceEvent[] = [];
    bob.client.on('presence', (p) => seen.push(p));
    await alice.client.setStatus('dnd', 'focus time');
    expect(server.sockets[0]?.frames('set_status')).toMatchObject([
      { status: 'dnd', text: 'focus time' },
    ]);
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ roomId: 'r', userId: 'alice', status: 'dnd', text: 'focus time' }]);
    expect(bob.client.online('r').sort()).toEqual(['alice', 'bob']);
    const lastSeen = '2026-12-06T20:00:00.000Z';
    server.sockets[1]?.receive({
      type: 'presence',
      roomId: 'r',
      userId: 'alice',
      status: 'offline',
      lastSeen,
    });
    expect(seen.at(-1)).toEqual({ roomId: 'r', userId: 'alice', status: 'offline', lastSeen });
    expect(bob.client.online('r')).toEqual(['bob']);
  });

  it('getPresence lists who is in the room, with status and text', async () => {
    const server = new FakeParley();
    const alice = setup({ token: 'alice' }, server);
    const bob = setup({ token: 'bob' }, server);
    await alice.client.join('r');
    await bob.client.join('r');
    await bob.client.setStatus('away', 'lunch');
    expect(await alice.client.getPresence('r')).toEqual([
      { userId: 'alice', status: 'online' },
      { userId: 'bob', status: 'away', text: 'lunch' },
    ]);
  });
});

describe('ping', () => {
  it('ping resolves on pong', async () => {
    const { server, client } = setup();
    await client.ping();
    expect(server.last.frames('ping')).toHaveLength(1);
  });

  it('goes out by itself after 120 s of sending nothing, again after each quiet 120 s', async () => {
    const { server, client } = setup();
    await client.join('r');
    await vi.advanceTimersByTimeAsync(119_999);
    expect(server.last.frames('ping')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.last.frames('ping')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    await client.send('r', 'busy'); // anything sent starts the quiet time over
    await vi.advanceTimersByTimeAsync(119_999);
    expect(server.last.frames('ping')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.last.frames('ping')).toHaveLength(2);
  });

  it('counts typing as sending; takes idlePingMs; stops on close', async () => {
    const { server, client } = setup({ idlePingMs: 30_000 });
    await client.join('r');
    await vi.advanceTimersByTimeAsync(20_000);
    client.typing('r');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(server.last.frames('ping')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(15_000); // 30 s after the typing stop at 25 s
    expect(server.last.frames('ping')).toHaveLength(1);
    await client.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('idlePingMs 0 turns it off', async () => {
    const { server, client } = setup({ idlePingMs: 0 });
    await client.join('r');
    await vi.advanceTimersByTimeAsync(600_000);
    expect(server.last.frames('ping')).toHaveLength(0);
  });
});
