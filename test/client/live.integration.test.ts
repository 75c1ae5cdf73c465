/**
 * The SDK's issue-16 calls against the real server (local gateway, PostgreSQL, Redis,
 * DynamoDB): read state across two devices of one user, read receipts, reactions,
 * threads, typing, status and ping. One server for the file; each step waits for the
 * event it expects, never for time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, ParleyClient } from '../../client/index.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { uid } from '../support/services.js';
import { liveClients, next } from './live-clients.js';

let parley: TestParley;
const clients = liveClients(() => parley);
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(async () => {
  await clients.closeAll();
  await parley.close();
});

/** Ann on two devices and Bob, all in one new public room. */
async function room() {
  const annId = uid('ann');
  const bobId = uid('bob');
  const roomId = uid('live');
  const ann1 = await clients.open(annId);
  const ann2 = await clients.open(annId);
  // Bob's typing stops by itself quickly, so the automatic `stop` is seen without waiting long.
  // Past the SDK's 2.5 s gap between starts (TYPING_START_GAP_MS): a composition that
  // paused sooner would end before its held start went out, and say nothing at all.
  const bob = await clients.open(bobId, { typing: { stopAfterMs: 3_000 } });
  await ann1.createRoom(roomId, { name: 'Live' });
  await Promise.all([ann1.join(roomId), ann2.join(roomId), bob.join(roomId)]);
  return { annId, bobId, roomId, ann1, ann2, bob };
}

/** Resolves once `client` has emitted message `seq` of `roomId`. */
function delivered(client: ParleyClient, roomId: string, seq: number): Promise<Message> {
  return next(client, 'message', (m) => m.roomId === roomId && m.seq === seq);
}

describe('SDK live features, end to end', () => {
  it('counts unread per device, syncs markRead and shows who has seen', async () => {
    const { annId, bobId, roomId, ann1, ann2, bob } = await room();
    const first = await bob.send(roomId, 'one');
    await bob.send(roomId, 'two');
    const lastSeq = first.seq + 2;
    const onBoth = Promise.all([
      delivered(ann1, roomId, lastSeq),
      delivered(ann2, roomId, lastSeq),
    ]);
    await bob.send(roomId, 'three');
    await onBoth;
    expect(ann1.unread(roomId)).toBe(3);
    expect(ann2.unread(roomId)).toBe(3);
    expect(ann1.readSeq(roomId)).toBe(first.seq - 1);
    expect(bob.unread(roomId)).toBe(0);
    expect(bob.readSeq(roomId)).toBe(lastSeq);

    const synced = next(ann2, 'read_state', (s) => s.roomId === roomId && s.readSeq === lastSeq);
    const receipt = next(bob, 'read', (r) => r.roomId === roomId && r.userId === annId);
    expect(await ann1.markRead(roomId)).toEqual({ roomId, readSeq: lastSeq, unread: 0 });
    expect(await synced).toEqual({ roomId, readSeq: lastSeq, unread: 0 });
    expect(ann2.unread(roomId)).toBe(0);
    expect(ann2.readSeq(roomId)).toBe(lastSeq);
    expect(await receipt).toEqual({ roomId, userId: annId, seq: lastSeq });
    expect(bob.seenBy(roomId, lastSeq)).toEqual([annId]);
    expect(ann1.seenBy(roomId, lastSeq)).toEqual([bobId]);

    // A read room gains one unread per new message from someone else.
    const fourth = delivered(ann2, roomId, lastSeq + 1);
    await bob.send(roomId, 'four');
    await fourth;
    expect(ann2.unread(roomId)).toBe(1);
  });

  it('reacts, counts per reader and threads replies', async () => {
    const { annId, roomId, ann1, bob } = await room();
    const root = await bob.send(roomId, 'lunch?');
    const heard = next(bob, 'reaction', (r) => r.seq === root.seq);
    await ann1.react(roomId, root.seq, '👍');
    expect(await heard).toEqual({ roomId, seq: root.seq, userId: annId, emoji: '👍', on: true });

    const reactionsOf = async (client: ParleyClient) =>
      // The server leaves `reactions` out of a message nobody reacted to.
      (await client.history(roomId, { limit: 10 })).messages.find((m) => m.seq === root.seq)
        ?.reactions ?? [];
    expect(await reactionsOf(ann1)).toEqual([{ emoji: '👍', count: 1, me: true }]);
    expect(await reactionsOf(bob)).toEqual([{ emoji: '👍', count: 1, me: false }]);

    const taken = next(bob, 'reaction', (r) => r.seq === root.seq && !r.on);
    await ann1.react(roomId, root.seq, '👍', false);
    await taken;
    expect(await reactionsOf(bob)).toEqual([]);

    const reply = await ann1.send(roomId, 'yes', { replyTo: root.seq });
    await bob.send(roomId, 'not a reply');
    const second = await bob.send(roomId, 'me too', { replyTo: root.seq });
    const thread = await bob.thread(roomId, root.seq);
    expect(thread.messages.map((m) => [m.seq, m.content, m.replyTo])).toEqual([
      [reply.seq, 'yes', root.seq],
      [second.seq, 'me too', root.seq],
    ]);
    expect(thread.hasMore).toBe(false);
    const paged = await bob.thread(roomId, root.seq, { after: reply.seq, limit: 1 });
    expect(paged.messages.map((m) => m.seq)).toEqual([second.seq]);
  });

  it('shows who is typing until they stop, send or go quiet', async () => {
    const { bobId, roomId, ann1, bob } = await room();
    const typingNow = () =>
      next(ann1, 'typing_users', (t) => t.roomId === roomId && t.users.includes(bobId));
    const quiet = () =>
      next(ann1, 'typing_users', (t) => t.roomId === roomId && t.users.length === 0);

    let started = typingNow();
    bob.typing(roomId);
    await started;
    expect(ann1.typingUsers(roomId)).toEqual([bobId]);
    let stopped = quiet();
    bob.stopTyping(roomId);
    await stopped;
    expect(ann1.typingUsers(roomId)).toEqual([]);

    // No more input: the `stop` comes by itself after `stopAfterMs`.
    started = typingNow();
    bob.typing(roomId);
    await started;
    stopped = quiet();
    await stopped;

    // A message ends its sender's typing.
    started = typingNow();
    bob.typing(roomId);
    await started;
    stopped = quiet();
    await bob.send(roomId, 'done');
    await stopped;
  });

  it('sets a status the room sees, lists presence and pings', async () => {
    const { bobId, roomId, ann1, bob } = await room();
    const seen = next(ann1, 'presence', (p) => p.userId === bobId && p.status === 'away');
    await bob.setStatus('away', 'lunch');
    expect(await seen).toMatchObject({ roomId, userId: bobId, status: 'away', text: 'lunch' });
    const users = await ann1.getPresence(roomId);
    expect(users.find((u) => u.userId === bobId)).toMatchObject({ status: 'away', text: 'lunch' });
    await expect(bob.ping()).resolves.toBeUndefined();

    const back = next(ann1, 'presence', (p) => p.userId === bobId && p.status === 'online');
    await bob.setStatus('online');
    expect(await back).not.toHaveProperty('text');
  });
});
