/**
 * RoomKeys' payload: what an encrypted message carries inside its envelope (text, and
 * the real names and types of its files), and uploads sealed under neutral ones.
 */
import { describe, expect, it } from 'vitest';
import {
  decodePayload,
  decryptBytes,
  ENCRYPTED_UPLOAD,
  encodePayload,
  generateRoomKey,
  type Message,
  openMessage,
} from '../../client/index.js';
import { RoomKeys } from '../../client/room-keys.js';

const ROOM = 'vault';

async function keysWithRoom() {
  const keys = new RoomKeys();
  const key = await generateRoomKey();
  keys.set(ROOM, key);
  return { keys, key };
}

function message(content: string, seq = 1): Message {
  return {
    id: `m${seq}`,
    roomId: ROOM,
    seq,
    userId: 'ann',
    content,
    createdAt: '2026-12-06T00:00:00.000Z',
    attachments: [
      { id: 'u1', ...neutral(), size: 128, url: 'https://files.test/u1' },
      { id: 'u2', ...neutral(), size: 64, url: 'https://files.test/u2' },
    ],
  };
}
const neutral = () => ({
  fileName: ENCRYPTED_UPLOAD.fileName,
  contentType: ENCRYPTED_UPLOAD.contentType,
});

describe('the message payload', () => {
  it('is versioned JSON, files only when there are some', () => {
    expect(encodePayload({ text: 'hi' })).toBe('{"v":1,"text":"hi"}');
    const files = [{ id: 'u1', name: 'a.png', type: 'image/png' }];
    expect(decodePayload(encodePayload({ text: 'x', files }))).toEqual({ text: 'x', files });
    for (const other of ['hi', '{"v":2,"text":"x"}', '{"v":1}', '{"v":1,"text":"x","files":[1]}']) {
      expect(decodePayload(other)).toBeUndefined();
    }
  });
});

describe('RoomKeys', () => {
  it('seals uploads as encrypted.bin, application/octet-stream, bound to the room', async () => {
    const { keys, key } = await keysWithRoom();
    const data = new TextEncoder().encode('%PNG...');
    const upload = await keys.sealUpload(ROOM, data);
    expect(upload).toMatchObject({ name: 'encrypted.bin', type: 'application/octet-stream' });
    expect(await decryptBytes(key, upload.data, ROOM)).toEqual(data);
  });

  it('carries the real file names inside the envelope and restores them on open', async () => {
    const { keys, key } = await keysWithRoom();
    keys.uploaded({ id: 'u1', name: 'plan.pdf', type: 'application/pdf' });
    const content = await keys.seal(ROOM, 'the plan', { uploadIds: ['u1', 'u2'] });
    expect(await openMessage(key, content, ROOM)).toEqual({
      text: 'the plan',
      files: [{ id: 'u1', name: 'plan.pdf', type: 'application/pdf' }],
    });

    const frame = { type: 'new_message' as const, message: message(content) };
    expect(keys.inspect(frame)).toBe(true);
    await keys.open(frame);
    expect(frame.message.content).toBe('the plan');
    expect(frame.message.attachments).toEqual([
      expect.objectContaining({ id: 'u1', fileName: 'plan.pdf', contentType: 'application/pdf' }),
      // Not in the payload: left as the server has it.
      expect.objectContaining({ id: 'u2', ...neutral() }),
    ]);

    // An edit of that message keeps its files in the new envelope.
    const edited = await keys.seal(ROOM, 'the new plan', { seq: 1 });
    expect((await openMessage(key, edited, ROOM)).files).toEqual([
      { id: 'u1', name: 'plan.pdf', type: 'application/pdf' },
    ]);
  });

  it('learns from join replies and room pages which rooms are encrypted', async () => {
    const keys = new RoomKeys();
    expect(keys.seals('a')).toBe(false);
    keys.inspect({
      type: 'room_history',
      roomId: 'a',
      messages: [],
      hasMore: false,
      encrypted: true,
    });
    expect(keys.seals('a')).toBe(true);
    await expect(keys.seal('a', 'x')).rejects.toMatchObject({ code: 'bad_request' });
    await expect(keys.sealUpload('a', new Uint8Array(1))).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});
