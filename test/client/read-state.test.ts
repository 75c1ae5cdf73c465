/**
 * Read state in the SDK against the fake server: unread counts from the join reply,
 * `listRooms`, new messages and `read_state` (also from another device of the same user),
 * `markRead`, and "seen by" from read receipts.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ReadEvent, ReadStateEvent } from '../../client/index.js';
import { FakeParley } from './fake-parley.js';
import { sdkHarness, until } from './harness.js';

const { setup, reconnect } = sdkHarness();

/** A client of `userId` that records its read events. */
function device(server: FakeParley, userId: string, options = {}) {
  const side = setup({ token: userId, userId, ...options }, server);
  const states: ReadStateEvent[] = [];
  const reads: ReadEvent[] = [];
  side.client.on('read_state', (e) => states.push(e));
  side.client.on('read', (e) => reads.push(e));
  return { ...side, states, reads };
}

describe('unread', () => {
  it('comes from the join reply; others raise it, your own send reads up to it', async () => {
    const server = new FakeParley();
    server.post('r', 'one');
    server.post('r', 'two');
    const alice = device(server, 'alice');
    expect(alice.client.unread('r')).toBe(0); // nothing known yet
    const joined = await alice.client.join('r');
    expect(joined).toMatchObject({ readSeq: 0, unread: 2, lastSeq: 2 });
    expect(alice.client.unread('r')).toBe(2);
    server.post('r', 'three', 'bob');
    await until(() => alice.client.unread('r') === 3);
    await alice.client.send('r', 'mine');
    expect(alice.client.readSeq('r')).toBe(4);
    expect(alice.client.unread('r')).toBe(0);
    expect(alice.states).toEqual([
      { roomId: 'r', readSeq: 0, unread: 2 },
      { roomId: 'r', readSeq: 0, unread: 3 },
      { roomId: 'r', readSeq: 4, unread: 0 },
    ]);
  });

  it('a delete does not change it: unread counts seqs, tombstones too', async () => {
    const server = new FakeParley();
    const alice = device(server, 'alice');
    const bob = device(server, 'bob');
    await alice.client.join('r');
    await bob.client.join('r');
    const deleted: number[] = [];
    alice.client.on('message_deleted', (e) => deleted.push(e.seq));
    const sent = await bob.client.send('r', 'oops');
    await until(() => alice.client.unread('r') === 1);
    await bob.client.deleteMessage('r', sent.seq);
    await until(() => deleted.length === 1);
    expect(alice.client.unread('r')).toBe(1);
    expect(alice.states).toHaveLength(1);
  });

  it('from a server without read state: what was there at the join counts as read', async () => {
    const server = new FakeParley();
    server.live.withoutReadState = true;
    server.post('r', 'old');
    const alice = device(server, 'alice');
    const joined = await alice.client.join('r');
    expect(joined).toMatchObject({ readSeq: 1, unread: 0 });
    server.post('r', 'new');
    await until(() => alice.client.unread('r') === 1);
    expect(alice.client.readSeq('r')).toBe(1);
  });

  it('listRooms gives the rooms you have not joined on this device their counts', async () => {
    const server = new FakeParley();
    const alice = device(server, 'alice');
    await alice.client.createRoom('team');
    server.post('team', 'hey @alice');
    server.post('team', 'and you');
    const { rooms } = await alice.client.listRooms();
    expect(rooms[0]).toMatchObject({ roomId: 'team', readSeq: 0, unread: 2, unreadMentions: 1 });
    expect(alice.client.unread('team')).toBe(2);
    expect(alice.states).toEqual([{ roomId: 'team', readSeq: 0, unread: 2 }]);
  });

  it('counts what arrived while the connection was down, from the rejoin', async () => {
    const server = new FakeParley();
    const alice = device(server, 'alice');
    await alice.client.join('r');
    server.last.drop();
    server.post('r', 'missed', 'bob');
    server.post('r', 'missed too', 'bob');
    await reconnect(server, 2);
    await until(() => alice.received.length === 2);
    expect(alice.client.unread('r')).toBe(2);
  });
});

describe('markRead', () => {
  it('moves the cursor to the newest message by default; the other device hears read_state', async () => {
    const server = new FakeParley();
    const phone = device(server, 'alice');
    const laptop = device(server, 'alice');
    await phone.client.join('r');
    await laptop.client.join('r');
    server.post('r', 'a', 'bob');
    server.post('r', 'b', 'bob');
    await until(() => phone.client.unread('r') === 2 && laptop.client.unread('r') === 2);
    const state = await phone.client.markRead('r');
    expect(state).toEqual({ roomId: 'r', readSeq: 2, unread: 0 });
    expect(server.sockets[0]?.frames('mark_read')).toMatchObject([{ roomId: 'r', seq: 2 }]);
    await until(() => laptop.client.unread('r') === 0);
    expect(laptop.client.readSeq('r')).toBe(2);
    expect(laptop.states.at(-1)).toEqual({ roomId: 'r', readSeq: 2, unread: 0 });
  });

  it('takes a seq, never moves back, and keeps messages newer than it unread', async () => {
    const server = new FakeParley();
    const alice = device(server, 'alice');
    await alice.client.join('r');
    for (const text of ['a', 'b', 'c']) server.post('r', text, 'bob');
    await until(() => alice.client.unread('r') === 3);
    expect(await alice.client.markRead('r', 2)).toEqual({ roomId: 'r', readSeq: 2, unread: 1 });
    expect(await alice.client.markRead('r', 1)).toEqual({ roomId: 'r', readSeq: 2, unread: 1 });
    expect(alice.client.unread('r')).toBe(1);
  });

  it('sends at most one mark a room per interval, the newest seq last', async () => {
    const server = new FakeParley();
    const alice = device(server, 'alice');
    await alice.client.join('r');
    for (const text of ['a', 'b', 'c', 'd']) server.post('r', text, 'bob');
    await until(() => alice.client.unread('r') === 4);
    const marks = () => server.sockets[0]?.frames('mark_read').map((f) => f.seq);
    await alice.client.markRead('r', 1);
    // Within the second the server would drop their receipts: they wait, and join.
    const second = alice.client.markRead('r', 2);
    const third = alice.client.markRead('r', 3);
    await vi.advanceTimersByTimeAsync(1_199);
    expect(marks()).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    const state = { roomId: 'r', readSeq: 3, unread: 1 };
    expect(await second).toEqual(state);
    expect(await third).toEqual(state);
    expect(marks()).toEqual([1, 3]);
    // Past the interval a mark leaves at once.
    await vi.advanceTimersByTimeAsync(1_200);
    expect(await alice.client.markRead('r', 4)).toEqual({ roomId: 'r', readSeq: 4, unread: 0 });
    expect(marks()).toEqual([1, 3, 4]);
  });

  it('drops a waiting mark when the client closes', async () => {
    const server = new FakeParley();
    const alice = device(server, 'alice');
    await alice.client.join('r');
    for (const text of ['a', 'b']) server.post('r', text, 'bob');
    await until(() => alice.client.unread('r') === 2);
    await alice.client.markRead('r', 1);
    const waiting = alice.client.markRead('r', 2);
    await alice.client.close();
    await expect(waiting).rejects.toMatchObject({ code: 'closed' });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(server.sockets[0]?.frames('mark_read').map((f) => f.seq)).toEqual([1]);
  });

  it('a read_state for a room this device has not joined still updates its count', async () => {
    const server = new FakeParley();
    const phone = device(server, 'alice');
    const laptop = device(server, 'alice');
    await phone.client.join('r');
    server.post('r', 'a', 'bob');
    await laptop.client.listRooms();
    expect(laptop.client.unread('r')).toBe(1);
    await phone.client.markRead('r', 1);
    await until(() => laptop.client.unread('r') === 0);
  });
});

describe('seenBy', () => {
  it('lists others whose receipt reached the seq: read events, senders, never you', async () => {
    const server = new FakeParley();
    const alice = device(server, 'alice');
    const bob = device(server, 'bob');
    const carol = device(server, 'carol');
    for (const side of [alice, bob, carol]) await side.client.join('r');
    const mine = await alice.client.send('r', 'did you see this?');
    expect(alice.client.seenBy('r', mine.seq)).toEqual([]);
    await bob.client.markRead('r');
    await until(() => alice.reads.length === 1);
    expect(alice.reads).toEqual([{ roomId: 'r', userId: 'bob', seq: 1 }]);
    expect(alice.client.seenBy('r', mine.seq)).toEqual(['bob']);
    await carol.client.send('r', 'yes'); // sending reads up to it
    await until(() => alice.received.length === 2);
    expect(alice.client.seenBy('r', mine.seq)).toEqual(['bob', 'carol']);
    expect(alice.client.seenBy('r', 2)).toEqual(['carol']);
  });

  it("takes getRoom members' readSeq as receipts", async () => {
    const server = new FakeParley();
    const bob = device(server, 'bob');
    await bob.client.join('r');
    await bob.client.send('r', 'one');
    await bob.client.send('r', 'two');
    await bob.client.markRead('r', 2);
    const alice = device(server, 'alice');
    await alice.client.join('r');
    expect(alice.client.seenBy('r', 1)).toEqual(['bob']); // bob's messages, from the join
    const { members } = await alice.client.getRoom('r');
    expect(members.find((m) => m.userId === 'bob')?.readSeq).toBe(2);
    expect(alice.client.seenBy('r', 2)).toEqual(['bob']);
  });
});

describe('who you are', () => {
  it("reads the token's sub claim, else learns it from the first acked send", async () => {
    const server = new FakeParley();
    const payload = Buffer.from(JSON.stringify({ sub: 'alice', exp: 1 })).toString('base64url');
    const jwt = setup({ token: `e30.${payload}.sig` }, server);
    await jwt.client.join('r');
    server.post('r', 'hi', 'alice'); // from another device of alice's
    await until(() => jwt.received.length === 1);
    expect(jwt.client.unread('r')).toBe(0);

    const plain = setup({ token: 'bob' }, server);
    await plain.client.join('r');
    await plain.client.send('r', 'first');
    server.post('r', 'from my phone', 'bob');
    await until(() => plain.received.length === 3);
    expect(plain.client.unread('r')).toBe(0);
    expect(plain.client.readSeq('r')).toBe(3);
  });
});

describe('after close', () => {
  it('leaves no timer behind', async () => {
    const server = new FakeParley();
    const alice = device(server, 'alice');
    await alice.client.join('r');
    alice.client.typing('r');
    await alice.client.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
