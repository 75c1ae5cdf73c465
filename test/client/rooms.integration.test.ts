/**
 * The SDK's protocol v2 calls against the real server (local gateway, PostgreSQL, Redis,
 * DynamoDB): what the unit tests hold the fake server to, checked where it matters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../client/index.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { uid } from '../support/services.js';
import { liveClients, next } from './live-clients.js';

let parley: TestParley;
const clients = liveClients(() => parley);
const sdk = clients.open;
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(async () => {
  await clients.closeAll();
  await parley.close();
});

describe('SDK rooms and moderation, end to end', () => {
  it('creates a private room, adds, lists, edits, deletes, mutes and bans', async () => {
    const annId = uid('ann');
    const bobId = uid('bob');
    const ann = await sdk(annId);
    const bob = await sdk(bobId);
    const roomId = uid('team');

    const room = await ann.createRoom(roomId, { name: 'Team', visibility: 'private' });
    expect(room).toMatchObject({ roomId, name: 'Team', visibility: 'private', kind: 'room' });
    const added = await ann.addMember(roomId, bobId);
    expect(added).toMatchObject({ userId: bobId, role: 'member' });
    const details = await bob.getRoom(roomId);
    expect(details.role).toBe('member');
    expect(details.members.map((m) => m.userId).sort()).toEqual([annId, bobId].sort());

    await ann.join(roomId);
    await bob.join(roomId);
    const sent = await bob.send(roomId, 'first draft');
    const listed = await ann.listRooms();
    expect(listed.rooms[0]).toMatchObject({ roomId, lastMessage: { content: 'first draft' } });

    const seenEdit = next(ann, 'message_updated', (m: Message) => m.seq === sent.seq);
    const edited = await bob.editMessage(roomId, sent.seq, 'final');
    expect(edited).toMatchObject({ content: 'final' });
    expect(edited.editedAt).toBeDefined();
    expect((await seenEdit).content).toBe('final');

    const seenDelete = next(bob, 'message_deleted', (d) => d.seq === sent.seq);
    const tombstone = await ann.deleteMessage(roomId, sent.seq);
    expect(tombstone).toMatchObject({ deleted: true, content: '' });
    await seenDelete;
    const history = await ann.history(roomId, { limit: 10 });
    expect(history.messages.find((m) => m.seq === sent.seq)).toMatchObject({ deleted: true });

    await ann.mute(roomId, bobId);
    await expect(bob.send(roomId, 'muted?')).rejects.toMatchObject({ code: 'forbidden' });
    await ann.unmute(roomId, bobId);
    await bob.send(roomId, 'back');

    const removed = next(bob, 'removed', (r) => r.roomId === roomId);
    const banned = await ann.ban(roomId, bobId, { reason: 'test' });
    expect(banned).toMatchObject({ banned: true, banReason: 'test' });
    expect(await removed).toMatchObject({ roomId, reason: 'banned' });
    await expect(bob.join(roomId)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await bob.listRooms()).rooms.map((r) => r.roomId)).not.toContain(roomId);
  });

  it('opens the same DM from either side', async () => {
    const annId = uid('ann');
    const bobId = uid('bob');
    const ann = await sdk(annId);
    const bob = await sdk(bobId);
    const one = await ann.openDm(bobId);
    const two = await bob.openDm(annId);
    expect(two.roomId).toBe(one.roomId);
    expect(one).toMatchObject({ kind: 'dm', visibility: 'private' });
  });
});
