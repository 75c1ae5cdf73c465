/**
 * The SDK's protocol v2 calls and events against the fake server: rooms, membership,
 * moderation (and what `removed` does to a joined room), edits and deletes.
 */
import { describe, expect, it, vi } from 'vitest';
import type {
  MemberUpdateEvent,
  Message,
  MessageDeletedEvent,
  RemovedEvent,
} from '../../client/index.js';
import { ParleyError } from '../../client/index.js';
import { FakeParley } from './fake-parley.js';
import { contents, sdkHarness, until } from './harness.js';

const { setup, reconnect } = sdkHarness();

/** alice and bob on one server; each records the v2 events. */
function pair() {
  const server = new FakeParley();
  const alice = setup({}, server);
  const bob = setup({ token: 'bob' }, server);
  return { server, alice: withEvents(alice), bob: withEvents(bob) };
}

function withEvents<T extends ReturnType<typeof setup>>(side: T) {
  const updates: MemberUpdateEvent[] = [];
  const removed: RemovedEvent[] = [];
  const edited: Message[] = [];
  const deleted: MessageDeletedEvent[] = [];
  side.client.on('member_update', (e) => updates.push(e));
  side.client.on('removed', (e) => removed.push(e));
  side.client.on('message_updated', (m) => edited.push(m));
  side.client.on('message_deleted', (e) => deleted.push(e));
  return { ...side, updates, removed, edited, deleted };
}

describe('rooms', () => {
  it('createRoom makes you the owner; the same id again rejects with conflict', async () => {
    const { client } = setup();
    const room = await client.createRoom('team', { name: 'Team', visibility: 'private' });
    expect(room).toMatchObject({
      roomId: 'team',
      name: 'Team',
      visibility: 'private',
      kind: 'room',
      createdBy: 'alice',
      lastSeq: 0,
    });
    const again = await client.createRoom('team').catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ParleyError);
    expect(again).toMatchObject({ code: 'conflict', requestId: expect.any(String) });
  });

  it('getRoom gives the room, your role and members page by page; private rooms are for members', async () => {
    const { alice, bob } = pair();
    await alice.client.createRoom('team', { visibility: 'private' });
    for (const user of ['carol', 'dave', 'erin']) await alice.client.addMember('team', user);
    const first = await alice.client.getRoom('team', { limit: 2 });
    expect(first).toMatchObject({ room: { roomId: 'team' }, role: 'owner' });
    expect(first.members.map((m) => m.userId)).toEqual(['alice', 'carol']);
    const rest = await alice.client.getRoom('team', { cursor: first.membersCursor, limit: 2 });
    expect(rest.members.map((m) => m.userId)).toEqual(['dave', 'erin']);
    expect(rest.membersCursor).toBeUndefined();
    await expect(bob.client.getRoom('team')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(bob.client.getRoom('nowhere')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('listRooms pages through your rooms, newest activity first, with the last message', async () => {
    const { server, client } = setup();
    await client.createRoom('a');
    await client.createRoom('b');
    await client.createRoom('c');
    server.post('a', 'latest');
    const page = await client.listRooms({ limit: 2 });
    expect(page.rooms.map((r) => [r.roomId, r.role, r.lastSeq])).toEqual([
      ['a', 'owner', 1],
      ['c', 'owner', 0],
    ]);
    expect(page.rooms[0]?.lastMessage).toMatchObject({ seq: 1, content: 'latest' });
    const next = await client.listRooms({ cursor: page.cursor });
    expect(next.rooms.map((r) => r.roomId)).toEqual(['b']);
    expect(next.cursor).toBeUndefined();
  });

  it('updateRoom changes what it is given, for owners and admins only', async () => {
    const { alice, bob } = pair();
    await alice.client.createRoom('team');
    const room = await alice.client.updateRoom('team', { name: 'Renamed', slowModeSec: 10 });
    expect(room).toMatchObject({ name: 'Renamed', slowModeSec: 10, visibility: 'public' });
    await bob.client.join('team');
    await expect(bob.client.updateRoom('team', { name: 'Mine' })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('openDm answers the same private dm room to both users', async () => {
    const { alice, bob } = pair();
    const mine = await alice.client.openDm('bob');
    const theirs = await bob.client.openDm('alice');
    expect(mine).toMatchObject({ kind: 'dm', visibility: 'private' });
    expect(theirs.roomId).toBe(mine.roomId);
  });

  it('a call made before the connection opens waits for it', async () => {
    const server = new FakeParley();
    server.handshake = 'manual';
    const { client } = setup({}, server);
    const listing = client.listRooms();
    await until(() => server.sockets.length === 1);
    expect(server.last.sent).toEqual([]);
    server.last.open();
    await expect(listing).resolves.toEqual({ rooms: [] });
  });
});

describe('membership and moderation', () => {
  it('addMember, setRole, mute and unmute answer the member; the room hears member_update', async () => {
    const { alice, bob } = pair();
    await alice.client.createRoom('team');
    await bob.client.join('team');
    const carol = await alice.client.addMember('team', 'carol', { role: 'admin' });
    expect(carol).toMatchObject({ roomId: 'team', userId: 'carol', role: 'admin' });
    expect(await alice.client.setRole('team', 'carol', 'member')).toMatchObject({
      role: 'member',
    });
    const muted = await alice.client.mute('team', 'bob', { durationSec: 60 });
    expect(muted).toMatchObject({ userId: 'bob', muted: true, mutedUntil: expect.any(String) });
    await expect(bob.client.send('team', 'hello?')).rejects.toMatchObject({ code: 'forbidden' });
    expect(await alice.client.unmute('team', 'bob')).not.toHaveProperty('muted');
    expect(bob.updates).toEqual([
      { roomId: 'team', userId: 'carol', role: 'admin', change: 'added' },
      { roomId: 'team', userId: 'carol', role: 'member', change: 'role' },
      { roomId: 'team', userId: 'bob', change: 'muted' },
      { roomId: 'team', userId: 'bob', change: 'unmuted' },
    ]);
    expect(alice.updates).toEqual([]); // the actor has the reply
  });

  it('rejects what your role may not do with forbidden', async () => {
    const { alice, bob } = pair();
    await alice.client.createRoom('team');
    await bob.client.join('team');
    await expect(bob.client.ban('team', 'alice')).rejects.toMatchObject({ code: 'forbidden' });
    await expect(bob.client.setRole('team', 'bob', 'owner')).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(alice.client.setRole('team', 'alice', 'member')).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('removed: the room stops at once and is not rejoined after a reconnect', async () => {
    const { server, alice, bob } = pair();
    await alice.client.createRoom('team');
    await bob.client.join('team');
    await bob.client.join('other');
    const member = await alice.client.ban('team', 'bob', { reason: 'spam', durationSec: 600 });
    expect(member).toMatchObject({ userId: 'bob', banned: true, banReason: 'spam' });
    await until(() => bob.removed.length === 1, 'removed');
    expect(bob.removed).toEqual([{ roomId: 'team', reason: 'banned' }]);
    expect(bob.client.lastSeq('team')).toBe(0);
    expect(bob.client.online('team')).toEqual([]);
    // Nothing more from the room reaches the app, even a frame already in flight.
    const bobSocket = server.sockets[1];
    bobSocket?.receive({ type: 'new_message', message: server.append('team', 'late') });
    expect(bob.received).toEqual([]);
    bobSocket?.drop();
    await reconnect(server, 3);
    await until(() => server.last.frames('join_room').length === 1, 'the rejoin');
    expect(server.last.frames('join_room')).toEqual([expect.objectContaining({ roomId: 'other' })]);
    await expect(bob.client.join('team')).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('removeMember by a moderator ends the member joins with removed; unban lets them back', async () => {
    const { alice, bob } = pair();
    await alice.client.createRoom('team');
    await bob.client.join('team');
    expect(await alice.client.removeMember('team', 'bob')).toMatchObject({
      userId: 'bob',
      removed: true,
    });
    await until(() => bob.removed.length === 1, 'removed');
    expect(bob.removed).toEqual([{ roomId: 'team', reason: 'removed' }]);
    await alice.client.ban('team', 'bob');
    await expect(bob.client.join('team')).rejects.toMatchObject({ code: 'forbidden' });
    expect(await alice.client.unban('team', 'bob')).not.toHaveProperty('banned');
    await expect(bob.client.join('team')).resolves.toMatchObject({ roomId: 'team' });
  });

  it('a join still waiting when removed arrives rejects', async () => {
    const { server, client } = setup();
    server.silent.add('join_room');
    const joining = client.join('r');
    await until(() => server.sockets.at(-1)?.frames('join_room').length === 1, 'a join');
    server.last.receive({ type: 'removed', roomId: 'r', reason: 'removed' });
    await expect(joining).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('edits and deletes', () => {
  it('editMessage resolves with the edited message; both sides hear message_updated', async () => {
    const { alice, bob } = pair();
    await alice.client.join('r');
    await bob.client.join('r');
    const sent = await bob.client.send('r', 'helo');
    await until(() => alice.received.length === 1);
    const edited = await bob.client.editMessage('r', sent.seq, 'hello');
    expect(edited).toMatchObject({ seq: sent.seq, content: 'hello', editedAt: expect.any(String) });
    await until(() => alice.edited.length === 1);
    expect(alice.edited).toEqual([edited]);
    expect(bob.edited).toEqual([edited]); // own edits too, as own sends are messages
    expect(contents(alice.received)).toEqual(['helo']); // no second `message`
  });

  it("deleteMessage leaves a tombstone; moderators may delete others' messages, members not", async () => {
    const { alice, bob } = pair();
    await alice.client.createRoom('r');
    await alice.client.join('r');
    await bob.client.join('r');
    const mine = await alice.client.send('r', 'by alice');
    await expect(bob.client.deleteMessage('r', mine.seq)).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(bob.client.editMessage('r', mine.seq, 'x')).rejects.toMatchObject({
      code: 'forbidden',
    });
    const theirs = await bob.client.send('r', 'by bob');
    const tombstone = await alice.client.deleteMessage('r', theirs.seq);
    expect(tombstone).toMatchObject({ seq: theirs.seq, content: '', deleted: true });
    await until(() => bob.deleted.length === 1);
    expect(bob.deleted).toEqual([{ roomId: 'r', seq: theirs.seq }]);
    expect(alice.deleted).toEqual([{ roomId: 'r', seq: theirs.seq }]);
    // Deleting a tombstone again is acked and tells nobody.
    await alice.client.deleteMessage('r', theirs.seq);
    expect(bob.deleted).toHaveLength(1);
  });

  it('an edit that overtakes its message is folded in: the message is emitted once, edited', async () => {
    const { server, client, received, edited: events } = withEvents(setup());
    await client.join('r');
    server.fanOut = false;
    const original = server.post('r', 'first draft');
    const socket = server.last;
    const edited = { ...original, content: 'final', editedAt: new Date(5000).toISOString() };
    socket.receive({ type: 'message_updated', message: edited });
    expect(received).toEqual([]);
    socket.receive({ type: 'new_message', message: original }); // the older copy, late
    expect(received).toEqual([edited]);
    expect(events).toEqual([]); // the app never had the first draft
  });

  it('a delete that overtakes its message turns it into a tombstone before it is emitted', async () => {
    const { server, client, received } = setup();
    await client.join('r');
    server.fanOut = false;
    const [one, two] = [server.post('r', 'one'), server.post('r', 'two')];
    const socket = server.last;
    socket.receive({ type: 'new_message', message: two }); // buffered: seq 1 is missing
    socket.receive({ type: 'message_deleted', roomId: 'r', seq: 2 });
    socket.receive({ type: 'message_deleted', roomId: 'r', seq: 1 }); // not seen at all yet
    socket.receive({ type: 'new_message', message: one });
    expect(received.map((m) => [m.seq, m.content, m.deleted])).toEqual([
      [1, '', true],
      [2, '', true],
    ]);
  });

  it('asks an edit and a delete again after a drop; a createRoom cut off rejects disconnected', async () => {
    const { server, client } = setup();
    await client.join('r');
    const sent = await client.send('r', 'draft');
    server.silent.add('edit_message');
    server.silent.add('create_room');
    const editing = client.editMessage('r', sent.seq, 'final');
    const creating = client.createRoom('new').catch((e: unknown) => e);
    await until(() => server.last.frames('create_room').length === 1);
    server.silent.clear();
    server.last.drop();
    expect(await creating).toMatchObject({ code: 'disconnected' });
    await reconnect(server, 2);
    await expect(editing).resolves.toMatchObject({ content: 'final' });
    expect(server.last.sent.map((f) => f.action)).toEqual(['join_room', 'edit_message']);
  });
});

describe('rate_limited', () => {
  it('carries retryAfterMs on the ParleyError, and in its JSON', async () => {
    const { server, client } = setup();
    server.failNext.set('list_rooms', { code: 'rate_limited', retryAfterMs: 1500 });
    const error = await client.listRooms().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'rate_limited', retryAfterMs: 1500 });
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ retryAfterMs: 1500 });
  });

  it('waits retryAfterMs before retrying a rejoin, when that is longer than the backoff', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // the backoff's draw: 125 ms
    // No idle ping, no rollover: the test counts the retry timer.
    const { server, client, received } = setup({ idlePingMs: 0, rolloverAfterMs: 0 });
    await client.join('r');
    server.last.drop();
    server.post('r', 'missed');
    server.failNext.set('join_room', { code: 'rate_limited', retryAfterMs: 5000 });
    await reconnect(server, 2);
    await until(() => vi.getTimerCount() === 1, 'the rejoin retry timer');
    await vi.advanceTimersByTimeAsync(4999);
    expect(server.last.frames('join_room')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => received.length === 1);
    expect(server.last.frames('join_room')).toHaveLength(2);
    expect(contents(received)).toEqual(['missed']);
  });
});
