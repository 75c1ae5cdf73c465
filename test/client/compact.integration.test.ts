/**
 * Compact frames end to end, through the local gateway (which passes the handshake's
 * query string to the authorizer and $connect as API Gateway does): SDK clients of both
 * formats talk in one room, and the raw frames on each socket are in its own format.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCompact } from '../../protocol/compact-codec.js';
import { ChatClient, type Frame } from '../support/chat-client.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { uid } from '../support/services.js';
import { liveClients, next } from './live-clients.js';

let parley: TestParley;
const clients = liveClients(() => parley);
const raws: ChatClient[] = [];
beforeAll(async () => {
  parley = await startTestParley();
});
afterAll(async () => {
  await clients.closeAll();
  for (const raw of raws) raw.socket.close();
  await parley.close();
});

async function rawClient(userId: string, format?: 'compact'): Promise<ChatClient> {
  const token = encodeURIComponent(await parley.token(userId));
  const query = format ? `token=${token}&format=${format}` : `token=${token}`;
  const client = await ChatClient.connect(`${parley.url}/?${query}`);
  raws.push(client);
  return client;
}

describe('compact frames, end to end', () => {
  it('gives each socket its own format, and the SDK the same messages either way', async () => {
    const roomId = uid('compact');
    const ann = await clients.open(uid('ann')); // the SDK's default: compact
    const bob = await clients.open(uid('bob'), { format: 'long' });
    await ann.createRoom(roomId, { name: 'Compact' });
    await Promise.all([ann.join(roomId), bob.join(roomId)]);
    const kim = await rawClient(uid('kim'), 'compact');
    const lee = await rawClient(uid('lee'));
    // A compact reply echoes the requestId under its short key.
    const requestId = 'join-1';
    kim.socket.send(JSON.stringify({ action: 'join_room', roomId, requestId }));
    const joined = await kim.next((f) => (f as Record<string, unknown>).q === requestId);
    expect(decodeCompact(joined)).toMatchObject({ type: 'room_history', roomId, requestId });
    expect(await lee.join(roomId)).toMatchObject({ type: 'room_history', roomId });

    const atAnn = next(ann, 'message', (m) => m.content === 'from bob');
    const sent = await bob.send(roomId, 'from bob');
    expect(await atAnn).toMatchObject({ seq: sent.seq, userId: sent.userId, content: 'from bob' });

    const toKim = await kim.next((f) => (f as Record<string, unknown>).t === 'm');
    const toLee = await lee.next((f) => f.type === 'new_message');
    expect(toKim).not.toHaveProperty('type');
    expect(decodeCompact(toKim)).toEqual(toLee);
    expect(JSON.stringify(toKim).length).toBeLessThan(JSON.stringify(toLee).length);

    const atBob = next(bob, 'message', (m) => m.content === 'from ann');
    await ann.send(roomId, 'from ann');
    expect((await atBob).content).toBe('from ann');
  });

  it("answers a compact socket's bad frame with a compact error, and keeps it open", async () => {
    const kim = await rawClient(uid('kim'), 'compact');
    kim.socket.send(JSON.stringify({ action: 'send_message', requestId: 'bad-1' }));
    const error: Frame = await kim.next((f) => (f as Record<string, unknown>).q === 'bad-1');
    expect(decodeCompact(error)).toMatchObject({ type: 'error', code: 'bad_request' });
    kim.socket.send(JSON.stringify({ action: 'ping', requestId: 'p-1' }));
    expect(await kim.next((f) => (f as Record<string, unknown>).q === 'p-1')).toEqual({
      t: 'po',
      q: 'p-1',
    });
  });
});
