/**
 * The rollover before API Gateway's 2-hour limit, against the fake server under fake
 * timers: a second connection opens, rejoins with `since`, takes over, and the first one
 * closes normally; messages arrive once, calls on the old connection still resolve, and
 * the client never leaves `open`.
 */

import { describe, expect, it, vi } from 'vitest';
import { TYPING_START_GAP_MS } from '../../client/typing.js';
import type { FakeSocket } from './fake-parley.js';
import { contents, sdkHarness, until } from './harness.js';

const { setup, reconnect } = sdkHarness();

const ROLLOVER_MS = 60_000;

/** Records how a socket was closed by the client (code and reason). */
function closes(socket: FakeSocket | undefined): { code?: number; reason?: string }[] {
  const calls: { code?: number; reason?: string }[] = [];
  if (!socket) throw new Error('no socket');
  const close = socket.close.bind(socket);
  vi.spyOn(socket, 'close').mockImplementation((code?: number, reason?: string) => {
    calls.push({ code, reason });
    close(code, reason);
  });
  return calls;
}

describe('rollover', () => {
  it('opens the next connection first, rejoins with since, then closes the old one', async () => {
    const { server, client, received, states } = setup({ rolloverAfterMs: ROLLOVER_MS });
    server.post('r', 'one');
    await client.join('r');
    const old = server.sockets[0];
    const closed = closes(old);
    await vi.advanceTimersByTimeAsync(ROLLOVER_MS - 1);
    expect(server.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => closed.length === 1, 'the old connection closed');
    expect(closed).toEqual([{ code: 1000, reason: 'connection replaced' }]);
    expect(server.sockets).toHaveLength(2);
    expect(server.last.frames('join_room')).toMatchObject([{ roomId: 'r', since: 1 }]);
    expect(client.state).toBe('open');
    expect(states).toEqual(['open']);
    // The new connection carries everything now.
    const sent = await client.send('r', 'two');
    expect(sent.seq).toBe(2);
    expect(server.last.frames('send_message')).toHaveLength(1);
    expect(old?.frames('send_message')).toEqual([]);
    expect(contents(received)).toEqual(['one', 'two']);
  });

  it('delivers each message once while both connections hear the room', async () => {
    const { server, client, received, states } = setup({ rolloverAfterMs: ROLLOVER_MS });
    await client.join('r');
    const old = server.sockets[0];
    const closed = closes(old);
    server.held.add('join_room');
    await vi.advanceTimersByTimeAsync(ROLLOVER_MS);
    await until(() => server.last.frames('join_room').length === 1, 'the rejoin');
    // A send on the old connection that the server answers only after the switch.
    server.held.add('send_message');
    const mine = client.send('r', 'mine');
    await until(() => old?.frames('send_message').length === 1);
    server.post('r', 'a'); // before the next connection joined: the old one only
    server.release('join_room'); // its reply holds 'a' too
    await until(() => old?.joined.has('r') === true && server.last.joined.has('r'));
    // Switched once the rejoin is answered: typing goes out on the new connection...
    // (A start within 2.5 s of the last is held for the server's throttle, so each probe
    // after the first lets that much fake time pass.)
    await until(() => {
      client.stopTyping('r');
      client.typing('r');
      return old?.frames('typing').length !== 0 || server.last.frames('typing').length > 0;
    }, 'a typing frame');
    for (let i = 0; i < 3 && server.last.frames('typing').length === 0; i++) {
      await vi.advanceTimersByTimeAsync(TYPING_START_GAP_MS);
      client.stopTyping('r');
      client.typing('r');
      await vi.advanceTimersByTimeAsync(TYPING_START_GAP_MS);
    }
    expect(server.last.frames('typing').map((f) => f.state)).toContain('start');
    // ...while the old one stays open for the ack it owes.
    expect(closed).toEqual([]);
    server.post('r', 'b'); // both connections hear it
    server.release('send_message');
    await expect(mine).resolves.toMatchObject({ content: 'mine', seq: 3 });
    await until(() => closed.length === 1, 'the old connection closed');
    expect(contents(received)).toEqual(['a', 'b', 'mine']);
    expect(contents(server.messages('r'))).toEqual(['a', 'b', 'mine']);
    expect(states).toEqual(['open']);
  });

  it('keeps the old connection when the next one fails, and tries again', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { server, client, received, states } = setup({ rolloverAfterMs: ROLLOVER_MS });
    await client.join('r');
    const closed = closes(server.sockets[0]);
    server.handshake = 'unreachable';
    await vi.advanceTimersByTimeAsync(ROLLOVER_MS);
    await until(() => server.sockets.length === 2);
    server.handshake = 'open';
    expect(client.state).toBe('open');
    server.post('r', 'still here');
    await until(() => received.length === 1);
    expect(closed).toEqual([]);
    await vi.advanceTimersToNextTimerAsync(); // the retry
    await until(() => closed.length === 1, 'the old connection closed');
    expect(server.sockets).toHaveLength(3);
    expect(server.last.joined.has('r')).toBe(true);
    expect(states).toEqual(['open']);
  });

  it('falls back to the reconnect when the old connection drops before the switch', async () => {
    const { server, client, received } = setup({ rolloverAfterMs: ROLLOVER_MS });
    await client.join('r');
    server.held.add('join_room');
    await vi.advanceTimersByTimeAsync(ROLLOVER_MS);
    await until(() => server.sockets[1]?.frames('join_room').length === 1, 'the rejoin');
    const next = server.sockets[1];
    server.sockets[0]?.drop();
    await until(() => client.state === 'reconnecting');
    expect(next?.readyState).toBe(3); // the rollover's connection is dropped with it
    server.post('r', 'missed');
    server.release('join_room');
    await reconnect(server, 3);
    await until(() => received.length === 1);
    expect(client.state).toBe('open');
    expect(contents(received)).toEqual(['missed']);
  });

  it('leaves on the next connection a room left during the rollover', async () => {
    const { server, client } = setup({ rolloverAfterMs: ROLLOVER_MS });
    await client.join('r');
    await client.join('s');
    server.held.add('join_room');
    await vi.advanceTimersByTimeAsync(ROLLOVER_MS);
    await until(() => server.last.frames('join_room').length === 2, 'the rejoins');
    await client.leave('s');
    server.release('join_room');
    await until(() => server.last.frames('leave_room').length === 1, 'the leave');
    await until(() => !server.last.joined.has('s'));
    expect(server.last.joined.has('r')).toBe(true);
    await until(() => server.sockets[0]?.readyState === 3, 'the old connection closed');
    expect(client.online('s')).toEqual([]);
  });

  it('gives up a room the next connection may no longer join, and rolls over the rest', async () => {
    const { server, client } = setup({ rolloverAfterMs: ROLLOVER_MS });
    await client.join('r');
    await client.join('s');
    const failed: { roomId: string; code: string }[] = [];
    client.on('resync_failed', (f) => failed.push({ roomId: f.roomId, code: f.error.code }));
    server.forbidden.add('s');
    await vi.advanceTimersByTimeAsync(ROLLOVER_MS);
    await until(() => server.sockets[0]?.readyState === 3, 'the old connection closed');
    expect(failed).toEqual([{ roomId: 's', code: 'forbidden' }]);
    expect(server.last.joined.has('r')).toBe(true);
    expect(client.online('s')).toEqual([]);
    expect(client.state).toBe('open');
  });

  it('never rolls over with rolloverAfterMs 0', async () => {
    const { server, client } = setup({ rolloverAfterMs: 0 });
    await client.join('r');
    await vi.advanceTimersByTimeAsync(3 * 60 * 60_000);
    expect(server.sockets).toHaveLength(1);
  });
});
