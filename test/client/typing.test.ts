/**
 * Typing in the SDK against the fake server, under fake timers: when `typing()` says
 * `start` and `stop` (one `start` per composition, renewed inside receivers' expiry, no
 * `stop` on a send), and how long someone else counts as typing.
 */
import { describe, expect, it, vi } from 'vitest';
import type { TypingEvent } from '../../client/index.js';
import { FakeParley } from './fake-parley.js';
import { sdkHarness, until } from './harness.js';

const { setup } = sdkHarness();

/** alice and bob in room r; bob records typing events and lists, `said` alice's frames. */
async function pair(options = {}) {
  const server = new FakeParley();
  const alice = setup({ token: 'alice', userId: 'alice', ...options }, server);
  const bob = setup({ token: 'bob', userId: 'bob', ...options }, server);
  await alice.client.join('r');
  await bob.client.join('r');
  const aliceSocket = server.sockets[0];
  const events: TypingEvent[] = [];
  const lists: string[][] = [];
  bob.client.on('typing', (e) => events.push(e));
  bob.client.on('typing_users', (e) => lists.push(e.users));
  const said = () => aliceSocket?.frames('typing').map((f) => f.state) ?? [];
  return { server, alice: alice.client, bob: bob.client, events, lists, said };
}

describe('typing(): what the room hears', () => {
  it('start at once, again at most every 7 s while input goes on, stop 5 s after the last', async () => {
    const { alice, said, events } = await pair();
    alice.typing('r');
    alice.typing('r');
    expect(said()).toEqual(['start']);
    // Input every second for 15 s: a start at 0, 7 and 14 s, each inside receivers' 10 s.
    for (let second = 1; second <= 15; second++) {
      await vi.advanceTimersByTimeAsync(1000);
      alice.typing('r');
    }
    expect(said()).toEqual(['start', 'start', 'start']);
    await vi.advanceTimersByTimeAsync(4999);
    expect(said()).toEqual(['start', 'start', 'start']);
    await vi.advanceTimersByTimeAsync(1);
    expect(said()).toEqual(['start', 'start', 'start', 'stop']);
    await until(() => events.length === 4);
    expect(events.at(-1)).toEqual({ roomId: 'r', userId: 'alice', state: 'stop' });
  });

  it('after a stop, the next input says start at once', async () => {
    const { alice, said } = await pair();
    alice.typing('r');
    await vi.advanceTimersByTimeAsync(5000); // the pause's stop, 2 s before a renewal was due
    alice.typing('r');
    expect(said()).toEqual(['start', 'stop', 'start']);
    alice.stopTyping('r');
    alice.typing('r');
    // Within the server's 2 s throttle of the last start: held, then said once it passes.
    expect(said()).toEqual(['start', 'stop', 'start', 'stop']);
    await vi.advanceTimersByTimeAsync(2500);
    expect(said()).toEqual(['start', 'stop', 'start', 'stop', 'start']);
  });

  it('says nothing for a composition that pauses before its held start could go out', async () => {
    const { alice, said } = await pair({ typing: { stopAfterMs: 1000 } });
    alice.typing('r');
    alice.stopTyping('r');
    alice.typing('r'); // held: the last start is 0 s old
    await vi.advanceTimersByTimeAsync(10_000);
    expect(said()).toEqual(['start', 'stop']);
  });

  it('holds a start the server would drop (within 2 s of the last) until it would relay it', async () => {
    const { server, alice, bob, said } = await pair();
    alice.typing('r');
    await alice.send('r', 'first');
    await vi.advanceTimersByTimeAsync(1000);
    alice.typing('r'); // a new composition 1 s after the last start
    expect(said()).toEqual(['start']);
    await vi.advanceTimersByTimeAsync(1400);
    expect(said()).toEqual(['start']);
    await vi.advanceTimersByTimeAsync(100);
    expect(said()).toEqual(['start', 'start']);
    await until(() => bob.typingUsers('r').length === 1);
    // A send before a held start goes out cancels it: no start, and no stop either.
    await vi.advanceTimersByTimeAsync(1000);
    await alice.send('r', 'second');
    alice.typing('r');
    await alice.send('r', 'third');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(said()).toEqual(['start', 'start']);
    expect(server.sockets[0]?.frames('typing')).toHaveLength(2);
  });

  it('a send says no stop (the message ends it at the receivers); stopTyping does', async () => {
    const { server, alice, bob, said } = await pair();
    alice.typing('r');
    await until(() => bob.typingUsers('r').length === 1);
    await alice.send('r', 'done');
    const sent = server.sockets[0]?.sent.map((f) => f.action ?? '') ?? [];
    expect(sent.slice(-2)).toEqual(['typing', 'send_message']);
    expect(said()).toEqual(['start']);
    await until(() => bob.typingUsers('r').length === 0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(said()).toEqual(['start']); // no late stop from the forgotten timers
    // The next composition starts at once, though the last start is under 7 s old.
    alice.typing('r');
    alice.stopTyping('r');
    alice.stopTyping('r');
    expect(said()).toEqual(['start', 'start', 'stop']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(said()).toEqual(['start', 'start', 'stop']);
  });

  it('says nothing for a room not joined, or while disconnected', async () => {
    const { server, alice } = await pair();
    alice.typing('elsewhere');
    server.sockets[0]?.drop();
    alice.typing('r');
    expect(server.sockets[0]?.frames('typing')).toEqual([]);
  });

  it('takes its timings from the typing option', async () => {
    const { alice, said } = await pair({ typing: { renewMs: 1000, stopAfterMs: 2000 } });
    alice.typing('r');
    await vi.advanceTimersByTimeAsync(1000);
    alice.typing('r');
    await vi.advanceTimersByTimeAsync(2000);
    expect(said()).toEqual(['start', 'start', 'stop']);
  });

  it('still takes the deprecated throttleMs, which renewMs overrides', async () => {
    const old = await pair({ typing: { throttleMs: 3000 } });
    old.alice.typing('r');
    await vi.advanceTimersByTimeAsync(3000);
    old.alice.typing('r');
    expect(old.said()).toEqual(['start', 'start']);
    const both = await pair({ typing: { throttleMs: 3000, renewMs: 5000 } });
    both.alice.typing('r');
    await vi.advanceTimersByTimeAsync(3000);
    both.alice.typing('r');
    expect(both.said()).toEqual(['start']);
  });
});

describe('typingUsers(): who else is typing', () => {
  it('from their start to their stop, with typing and typing_users events', async () => {
    const { alice, bob, events, lists } = await pair();
    alice.typing('r');
    await until(() => bob.typingUsers('r').length === 1);
    expect(bob.typingUsers('r')).toEqual(['alice']);
    expect(events).toEqual([{ roomId: 'r', userId: 'alice', state: 'start' }]);
    alice.stopTyping('r');
    await until(() => bob.typingUsers('r').length === 0);
    expect(lists).toEqual([['alice'], []]);
  });

  it('expires 10 s after their last start (a stop that never came)', async () => {
    const { server, bob, lists } = await pair();
    const start = { type: 'typing', roomId: 'r', userId: 'carol', state: 'start' };
    server.sockets[1]?.receive(start);
    await vi.advanceTimersByTimeAsync(9000);
    server.sockets[1]?.receive(start); // renewed: 10 s from now
    await vi.advanceTimersByTimeAsync(9999);
    expect(bob.typingUsers('r')).toEqual(['carol']);
    await vi.advanceTimersByTimeAsync(1);
    expect(bob.typingUsers('r')).toEqual([]);
    expect(lists).toEqual([['carol'], []]);
  });

  it('ends with their message (their stop may come later, or never)', async () => {
    const { server, bob, lists } = await pair();
    server.sockets[1]?.receive({ type: 'typing', roomId: 'r', userId: 'carol', state: 'start' });
    expect(bob.typingUsers('r')).toEqual(['carol']);
    server.post('r', 'hi', 'carol');
    await until(() => bob.typingUsers('r').length === 0);
    expect(lists).toEqual([['carol'], []]);
  });

  it('ignores your own typing from another device and rooms not joined', async () => {
    const { server, bob } = await pair();
    server.sockets[1]?.receive({ type: 'typing', roomId: 'r', userId: 'bob', state: 'start' });
    server.sockets[1]?.receive({ type: 'typing', roomId: 'x', userId: 'ann', state: 'start' });
    expect(bob.typingUsers('r')).toEqual([]);
    expect(bob.typingUsers('x')).toEqual([]);
  });
});
