/**
 * End-to-end encrypted rooms as the chat core serves them, over the fakes: only the SDK's
 * envelope goes in, it comes out byte for byte, and the server reads no mentions in it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { editMessage } from '../../../../functions/core/actions/edit-message.js';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { createRoom } from '../../../../functions/core/actions/room-actions.js';
import { sendMessage } from '../../../../functions/core/actions/send-message.js';
import { contentAllowed, rememberRoomFacts } from '../../../../functions/core/encrypted-rooms.js';
import { validateRequest } from '../../../../functions/core/frames.js';
import { DEFAULT_LIMITS } from '../../../../functions/core/limits.js';
import type { Caller } from '../../../../functions/core/message.js';
import { type FakeWorld, fakeWorld, historyAs, replyTo } from '../../../support/fakes.js';

const alice: Caller = { connectionId: 'a1', userId: 'alice' };
const bob: Caller = { connectionId: 'b1', userId: 'bob' };
const SECRET = 'vault';
const OPEN = 'lobby';
const b64 = (bytes: number, fill = 0x5a) => Buffer.alloc(bytes, fill).toString('base64url');
const CIPHERTEXT = `pe1.${b64(12)}.${b64(40)}`;

let world: FakeWorld;
const reply = (caller: Caller) => replyTo(world, caller);
const send = (caller: Caller, roomId: string, content: string) =>
  sendMessage(world.deps, caller, { roomId, content }, reply(caller));
const edit = (caller: Caller, roomId: string, seq: number, content: string) =>
  editMessage(world.deps, caller, { roomId, seq, content }, reply(caller));

beforeEach(async () => {
  world = fakeWorld();
  await createRoom(world.deps, alice, { roomId: SECRET, encrypted: true }, reply(alice));
  for (const roomId of [SECRET, OPEN]) {
    for (const caller of [alice, bob]) {
      await joinRoom(world.deps, caller, { roomId }, reply(caller));
    }
  }
  world.sender.clear();
});

describe('send_message in an encrypted room', () => {
  it('refuses plaintext as bad_request, storing and sending nothing', async () => {
    const refused = send(alice, SECRET, 'hello @bob');
    await expect(refused).rejects.toMatchObject({
      code: 'bad_request',
      message: `room ${SECRET} is end-to-end encrypted: content must be ciphertext from the SDK`,
    });
    expect(await historyAs(world, bob, SECRET)).toEqual([]);
    expect(world.sender.framesTo('b1').filter((f) => f.type === 'new_message')).toEqual([]);
  });

  it('refuses what only looks like an envelope', async () => {
    for (const content of [`pe1.${b64(12)}.${b64(15)}`, `pe1.${b64(11)}.${b64(40)}`, 'pe1.']) {
      await expect(send(alice, SECRET, content)).rejects.toMatchObject({ code: 'bad_request' });
    }
  });

  it('stores and relays ciphertext byte for byte, and reads no mentions in it', async () => {
    await send(alice, SECRET, CIPHERTEXT);
    const [relayed] = world.sender.framesTo('b1');
    expect(relayed).toMatchObject({ type: 'new_message', message: { content: CIPHERTEXT } });
    const [stored] = await historyAs(world, bob, SECRET);
    expect(stored?.content).toBe(CIPHERTEXT);
    expect(stored?.mentions ?? []).toEqual([]);
  });

  it('refuses a stranger as a stranger, telling nothing about the room', async () => {
    const carol: Caller = { connectionId: 'c1', userId: 'carol' };
    await expect(send(carol, SECRET, 'hello')).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('edit_message in an encrypted room', () => {
  it('refuses plaintext and takes ciphertext', async () => {
    await send(alice, SECRET, CIPHERTEXT);
    await expect(edit(alice, SECRET, 1, 'in the clear')).rejects.toMatchObject({
      code: 'bad_request',
    });
    const other = `pe1.${b64(12, 1)}.${b64(33, 2)}`;
    await edit(alice, SECRET, 1, other);
    const [stored] = await historyAs(world, bob, SECRET);
    expect(stored).toMatchObject({ content: other, editedAt: expect.any(String) });
  });
});

describe('a room that is not encrypted', () => {
  it('takes plaintext with mentions, and an envelope as any text', async () => {
    await send(alice, OPEN, 'hello @bob');
    await send(alice, OPEN, CIPHERTEXT);
    await edit(alice, OPEN, 1, 'hi @bob');
    const messages = await historyAs(world, bob, OPEN);
    expect(messages.map((m) => [m.content, m.mentions ?? []])).toEqual([
      ['hi @bob', ['bob']],
      [CIPHERTEXT, []],
    ]);
  });
});

describe('the encrypted flag', () => {
  it('is read once per runtime, only for a room that exists', async () => {
    let reads = 0;
    const facts = rememberRoomFacts({
      getRoom: async (roomId) => {
        reads += 1;
        return roomId === SECRET ? world.rooms.getRoom(roomId) : undefined;
      },
    });
    expect(await facts.encrypted(SECRET)).toBe(true);
    expect(await facts.encrypted(SECRET)).toBe(true);
    expect(await facts.encrypted('nowhere')).toBe(false);
    expect(await facts.encrypted('nowhere')).toBe(false);
    expect(reads).toBe(3);
  });

  it('is not read at all for ciphertext or empty content', async () => {
    const facts = {
      encrypted: () => Promise.reject(new Error('read')),
    };
    expect(await contentAllowed(facts, SECRET, CIPHERTEXT)).toBe(true);
    expect(await contentAllowed(facts, SECRET, '')).toBe(true);
    await expect(contentAllowed(facts, SECRET, 'text')).rejects.toThrow('read');
  });

  it('cannot be changed by update_room', () => {
    const change = () =>
      validateRequest(
        'update_room',
        { fields: { roomId: SECRET, encrypted: false } },
        DEFAULT_LIMITS,
      );
    expect(change).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
