/**
 * An end-to-end encrypted room through the SDK and the real server (local gateway,
 * PostgreSQL, Redis, DynamoDB): the members read text, PostgreSQL holds only ciphertext,
 * and a client without the key sends nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveRoomKey, isCiphertext } from '../../client/index.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { testPool, uid } from '../support/services.js';
import { liveClients, next } from './live-clients.js';

let parley: TestParley;
const clients = liveClients(() => parley);
const pool = testPool();
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(async () => {
  await clients.closeAll();
  await parley.close();
  await pool.end();
});

describe('an encrypted room, end to end', () => {
  it('stores only ciphertext while members with the key read text', async () => {
    const roomId = uid('vault');
    const ann = await clients.open(uid('ann'));
    const bob = await clients.open(uid('bob'));
    const eve = await clients.open(uid('eve'));
    await ann.createRoom(roomId, { encrypted: true });
    // Each member derives the key from the passphrase they were given out of band.
    const passphrase = 'correct horse battery staple';
    ann.setRoomKey(roomId, await deriveRoomKey(passphrase, roomId));
    bob.setRoomKey(roomId, await deriveRoomKey(passphrase, roomId));
    await Promise.all([ann.join(roomId), bob.join(roomId), eve.join(roomId)]);

    const atBob = next(bob, 'message', (m) => m.roomId === roomId);
    const atEve = next(eve, 'message', (m) => m.roomId === roomId);
    const sent = await ann.send(roomId, 'meet at noon, @bob');
    expect(sent.content).toBe('meet at noon, @bob');
    expect((await atBob).content).toBe('meet at noon, @bob');
    // Eve has no key: she sees the envelope, and cannot send plaintext there.
    expect(isCiphertext((await atEve).content)).toBe(true);
    await expect(eve.send(roomId, 'hello?')).rejects.toMatchObject({ code: 'bad_request' });

    const edited = next(bob, 'message_updated', (m) => m.roomId === roomId);
    await ann.editMessage(roomId, sent.seq, 'meet at one');
    expect((await edited).content).toBe('meet at one');

    const { rows } = await pool.query<{ content: string; mentions: string[] | null }>(
      'SELECT content, mentions FROM messages WHERE room_id = $1 ORDER BY seq',
      [roomId],
    );
    expect(rows).toHaveLength(1);
    expect(isCiphertext(rows[0]?.content ?? '')).toBe(true);
    expect(rows[0]?.content).not.toContain('meet');
    expect(rows[0]?.mentions ?? []).toEqual([]);
    expect((await bob.history(roomId)).messages.map((m) => m.content)).toEqual(['meet at one']);
  });
});
