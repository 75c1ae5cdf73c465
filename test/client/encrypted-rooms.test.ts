/**
 * `client.setRoomKey` against the fake server: what leaves is ciphertext, what the app
 * gets is text, in order, from every frame that carries messages; without a key nothing
 * is sent in an encrypted room.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  generateRoomKey,
  isCiphertext,
  type Message,
  openMessage,
  type RoomKey,
  sealMessage,
} from '../../client/index.js';
import { FakeParley } from './fake-parley.js';
import { contents, sdkHarness } from './harness.js';

const { setup } = sdkHarness();
// WebCrypto finishes on Node.js's thread pool, which fake timers cannot advance.
beforeEach(() => {
  vi.useRealTimers();
});

const ROOM = 'vault';
let key: RoomKey;
beforeEach(async () => {
  key = await generateRoomKey();
});

/** alice (with the key) and bob, both in the encrypted room. */
async function pair(bobHasKey = true) {
  const server = new FakeParley();
  const alice = setup({}, server);
  const bob = setup({ token: 'bob' }, server);
  await alice.client.createRoom(ROOM, { encrypted: true });
  alice.client.setRoomKey(ROOM, key);
  if (bobHasKey) bob.client.setRoomKey(ROOM, key);
  await alice.client.join(ROOM);
  await bob.client.join(ROOM);
  return { server, alice, bob };
}

const sentContents = (server: FakeParley, action: string) =>
  server.sockets.flatMap((s) => s.frames(action)).map((f) => String(f.content));

describe('a room with a key', () => {
  it('sends ciphertext bound to the room, and hands every message out as text, in order', async () => {
    const { server, alice, bob } = await pair();
    const acked = await alice.client.send(ROOM, 'one @bob');
    await alice.client.send(ROOM, 'two');
    expect(acked.content).toBe('one @bob');
    const [first] = sentContents(server, 'send_message');
    expect(isCiphertext(first ?? '')).toBe(true);
    expect(await openMessage(key, first ?? '', ROOM)).toEqual({ text: 'one @bob' });
    await vi.waitFor(() => expect(contents(bob.received)).toEqual(['one @bob', 'two']));
    expect(contents(alice.received)).toEqual(['one @bob', 'two']);
    // The record holds only ciphertext.
    expect(server.messages(ROOM).every((m) => isCiphertext(m.content))).toBe(true);
  });

  it('keeps the order of frames while one waits for its decryption', async () => {
    const { server, bob } = await pair();
    const events: string[] = [];
    bob.client.on('message', (m) => events.push(`message ${m.content}`));
    bob.client.on('presence', (p) => events.push(`presence ${p.userId}`));
    server.post(ROOM, await sealMessage(key, { text: 'sealed' }, ROOM));
    server.tellRoom(ROOM, { type: 'presence', roomId: ROOM, userId: 'carol', status: 'online' });
    await vi.waitFor(() => expect(events).toHaveLength(2));
    expect(events).toEqual(['message sealed', 'presence carol']);
  });

  it('encrypts edits and decrypts the ack and the others’ message_updated', async () => {
    const { server, alice, bob } = await pair();
    const edits: Message[] = [];
    bob.client.on('message_updated', (m) => edits.push(m));
    const { seq } = await alice.client.send(ROOM, 'helo');
    const edited = await alice.client.editMessage(ROOM, seq, 'hello');
    expect(edited.content).toBe('hello');
    const [wire] = sentContents(server, 'edit_message');
    expect(await openMessage(key, wire ?? '', ROOM)).toEqual({ text: 'hello' });
    await vi.waitFor(() => expect(contents(edits)).toEqual(['hello']));
  });

  it('decrypts history pages and the last message of listRooms', async () => {
    const { alice } = await pair();
    await alice.client.send(ROOM, 'kept');
    const page = await alice.client.history(ROOM);
    expect(contents(page.messages)).toEqual(['kept']);
    const { rooms } = await alice.client.listRooms();
    expect(rooms.find((r) => r.roomId === ROOM)?.lastMessage?.content).toBe('kept');
  });

  it('leaves the envelope of a message no key opens (another key, another room)', async () => {
    const { server, bob } = await pair();
    const stranger = await sealMessage(await generateRoomKey(), { text: 'not for you' }, ROOM);
    const replayed = await sealMessage(key, { text: 'from elsewhere' }, 'lobby');
    server.post(ROOM, stranger);
    server.post(ROOM, replayed);
    await vi.waitFor(() => expect(bob.received).toHaveLength(2));
    expect(contents(bob.received)).toEqual([stranger, replayed]);
  });

  it('refuses a plaintext too long for the envelope with payload_too_large, sending nothing', async () => {
    const { server, alice } = await pair();
    // The payload {"v":1,"text":"..."} is 17 bytes and 2 a character here: 2,968 at most.
    await expect(alice.client.send(ROOM, 'é'.repeat(1476))).rejects.toMatchObject({
      code: 'payload_too_large',
    });
    expect(sentContents(server, 'send_message')).toEqual([]);
    await alice.client.send(ROOM, 'é'.repeat(1475));
  });
});

describe('an encrypted room without a key', () => {
  it('refuses to send, and shows what comes in as envelopes', async () => {
    const { server, alice, bob } = await pair(false);
    const send = bob.client.send(ROOM, 'in the clear');
    await expect(send).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('setRoomKey'),
    });
    await expect(bob.client.editMessage(ROOM, 1, 'x')).rejects.toMatchObject({
      code: 'bad_request',
    });
    expect(sentContents(server, 'send_message')).toEqual([]);
    expect(sentContents(server, 'edit_message')).toEqual([]);
    await alice.client.send(ROOM, 'sealed');
    await vi.waitFor(() => expect(bob.received).toHaveLength(1));
    expect(isCiphertext(bob.received[0]?.content ?? '')).toBe(true);
  });
});

describe('rooms without a key', () => {
  it('send and receive text as before', async () => {
    const server = new FakeParley();
    const { client, received } = setup({}, server);
    client.setRoomKey(ROOM, key);
    await client.join('lobby');
    await client.send('lobby', 'plain');
    expect(sentContents(server, 'send_message')).toEqual(['plain']);
    expect(contents(received)).toEqual(['plain']);
  });
});
