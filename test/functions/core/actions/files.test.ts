/** request_upload, sends with attachments and the links served, over the fakes. */
import { beforeEach, describe, expect, it } from 'vitest';
import { editMessage } from '../../../../functions/core/actions/edit-message.js';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { mute } from '../../../../functions/core/actions/member-actions.js';
import { requestUpload } from '../../../../functions/core/actions/request-upload.js';
import { listRooms } from '../../../../functions/core/actions/room-actions.js';
import { sendMessage } from '../../../../functions/core/actions/send-message.js';
import { ChatError } from '../../../../functions/core/errors.js';
import type { RequestUploadRequest } from '../../../../functions/core/file-frames.js';
import { thumbnailKey, uploadKey } from '../../../../functions/core/files.js';
import { validateRequest } from '../../../../functions/core/frames.js';
import type { Caller } from '../../../../functions/core/message.js';
import type { UploadFrame } from '../../../../functions/core/server-frames.js';
import { type FakeWorld, fakeWorld, historyAs, replyTo } from '../../../support/fakes.js';

let world: FakeWorld;
const alice: Caller = { connectionId: 'a1', userId: 'alice' };
const bob: Caller = { connectionId: 'b1', userId: 'bob' };
const carol: Caller = { connectionId: 'c1', userId: 'carol' };
const ROOM = 'lobby';
const OTHER = 'elsewhere';

const reply = (caller: Caller) => replyTo(world, caller);
const png = new Uint8Array(64);

function ask(caller: Caller, request: Partial<RequestUploadRequest> = {}) {
  return requestUpload(
    world.deps,
    caller,
    { roomId: ROOM, fileName: 'cat.png', contentType: 'image/png', size: png.length, ...request },
    reply(caller),
  );
}

/** Asks for an upload and PUTs `bytes` as the SDK would; answers the upload id. */
async function upload(caller: Caller, roomId = ROOM, bytes = png): Promise<string> {
  await ask(caller, { roomId, size: bytes.length });
  const ticket = world.sender.framesOfType(caller.connectionId, 'upload').at(-1) as UploadFrame;
  expect(await world.files.put(ticket.url, ticket.headers, bytes)).toBe(200);
  return ticket.uploadId;
}

const send = (caller: Caller, attachments: string[], content = '', roomId = ROOM) =>
  sendMessage(world.deps, caller, { roomId, content, attachments }, reply(caller));

const refusal = (run: Promise<unknown>) =>
  run.then(
    () => undefined,
    (e: unknown) => (e instanceof ChatError ? { code: e.code, message: e.message } : e),
  );

beforeEach(async () => {
  world = fakeWorld();
  for (const caller of [alice, bob]) {
    await joinRoom(world.deps, caller, { roomId: ROOM }, reply(caller));
    await joinRoom(world.deps, caller, { roomId: OTHER }, reply(caller));
  }
  world.sender.clear();
});

describe('request_upload', () => {
  it('signs a PUT for a member, under the room’s prefix, with a near expiry', async () => {
    const before = Date.now();
    await ask(alice);
    const [ticket] = world.sender.framesTo('a1') as UploadFrame[];
    expect(ticket).toMatchObject({ type: 'upload', method: 'PUT' });
    expect(ticket?.url).toContain(`/${uploadKey(ROOM, ticket?.uploadId ?? '')}?`);
    const expires = Date.parse(ticket?.expiresAt ?? '');
    expect(expires - before).toBeGreaterThanOrEqual(world.deps.limits.uploadUrlSeconds * 1000);
    expect(expires - Date.now()).toBeLessThanOrEqual(world.deps.limits.uploadUrlSeconds * 1000);
  });

  it('answers payload_too_large over the size limit, bad_request for a refused type', async () => {
    const max = world.deps.limits.maxUploadBytes;
    expect(await refusal(ask(alice, { size: max + 1 }))).toMatchObject({
      code: 'payload_too_large',
    });
    await ask(alice, { size: max });
    for (const contentType of ['text/html', 'image/svg+xml', 'application/x-msdownload']) {
      expect(await refusal(ask(alice, { contentType }))).toMatchObject({ code: 'bad_request' });
    }
  });

  it('refuses a user who has not joined, a non-member and a muted member', async () => {
    expect(await refusal(ask(carol))).toMatchObject({ code: 'forbidden' });
    await mute(world.deps, alice, { roomId: ROOM, userId: 'bob' }, reply(alice));
    expect(await refusal(ask(bob))).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('muted'),
    });
  });

  it('is unavailable where no object storage is configured', async () => {
    const { files: _files, ...deps } = world.deps;
    const run = requestUpload(
      deps,
      alice,
      { roomId: ROOM, fileName: 'a.txt', contentType: 'text/plain', size: 1 },
      reply(alice),
    );
    expect(await refusal(run)).toMatchObject({ code: 'unavailable' });
  });

  it('validates the frame: a path for a name, a MIME type with parameters', () => {
    const frame = (fields: Record<string, unknown>) => ({
      fields: {
        action: 'request_upload',
        roomId: ROOM,
        fileName: 'a.txt',
        contentType: 'text/plain',
        size: 1,
        ...fields,
      },
    });
    expect(() =>
      validateRequest('request_upload', frame({ fileName: '../a.txt' }), world.deps.limits),
    ).toThrow('fileName');
    expect(() =>
      validateRequest(
        'request_upload',
        frame({ contentType: 'text/plain; charset=utf-8' }),
        world.deps.limits,
      ),
    ).toThrow('contentType');
    expect(() => validateRequest('request_upload', frame({ size: 0 }), world.deps.limits)).toThrow(
      'size',
    );
  });
});

describe('send_message with attachments', () => {
  it('stores the files, may have no text, and serves fresh links to every reader', async () => {
    const id = await upload(alice);
    await send(alice, [id]);
    const expected = {
      id,
      fileName: 'cat.png',
      contentType: 'image/png',
      size: png.length,
      url: `https://files.test/${uploadKey(ROOM, id)}?expires=${world.deps.limits.downloadUrlSeconds}`,
      thumbnailUrl: `https://files.test/${thumbnailKey(ROOM, id)}?expires=${world.deps.limits.downloadUrlSeconds}`,
    };
    const [ack] = world.sender.framesOfType('a1', 'ack');
    expect(ack).toMatchObject({ type: 'ack', message: { content: '', attachments: [expected] } });
    expect(world.sender.framesTo('b1')).toEqual([
      { type: 'new_message', message: (ack as { message: unknown }).message },
    ]);
    // The window keeps the record's form; each reading makes the links again.
    const cached = await world.cache.recentMessages(ROOM);
    const { url: _u, thumbnailUrl: _t, ...record } = expected;
    expect(cached?.messages[0]?.attachments).toEqual([{ ...record, url: '' }]);
    expect((await historyAs(world, bob, ROOM))[0]?.attachments).toEqual([expected]);
  });

  it('gives no thumbnail link to a file that is no image', async () => {
    await ask(alice, { fileName: 'a.pdf', contentType: 'application/pdf', size: 3 });
    const ticket = world.sender.framesOfType('a1', 'upload').at(-1) as UploadFrame;
    await world.files.put(ticket.url, ticket.headers, new Uint8Array(3));
    await send(alice, [ticket.uploadId], 'the plan');
    const ack = world.sender.framesOfType('a1', 'ack').at(-1);
    expect(ack?.message.attachments?.[0]).not.toHaveProperty('thumbnailUrl');
    expect(ack?.message.attachments?.[0]?.url).toContain(uploadKey(ROOM, ticket.uploadId));
  });

  it('refuses an upload id that names nothing, a foreign one and one never PUT', async () => {
    await ask(alice);
    const signedOnly = (world.sender.framesOfType('a1', 'upload').at(-1) as UploadFrame).uploadId;
    const tampered = `${signedOnly.slice(0, -1)}${signedOnly.endsWith('0') ? '1' : '0'}`;
    for (const id of [signedOnly, tampered]) {
      expect(await refusal(send(alice, [id]))).toMatchObject({
        code: 'bad_request',
        message: expect.stringContaining(id),
      });
    }
    expect(await world.messages.latest(ROOM, 10)).toMatchObject({ messages: [] });
  });

  it("refuses another user's upload and another room's", async () => {
    const bobs = await upload(bob);
    expect(await refusal(send(alice, [bobs]))).toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining(bobs),
    });
    const elsewhere = await upload(alice, OTHER);
    expect(await refusal(send(alice, [elsewhere]))).toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining(elsewhere),
    });
    // The same upload in its own room is fine.
    await send(alice, [elsewhere], '', OTHER);
  });

  it('refuses an object put outside a signed upload (no metadata) or of a refused type', async () => {
    /** An object put behind the server's back, by alice, into the room. */
    const planted = (extra: { contentType: string; fileName?: string }) => {
      const id = world.files.newUploadId();
      const object = { bytes: png, size: png.length, uploaderId: 'alice', roomId: ROOM, ...extra };
      world.files.objects.set(uploadKey(ROOM, id), object);
      return id;
    };
    const unsigned = planted({ contentType: 'image/png' });
    expect(await refusal(send(alice, [unsigned]))).toMatchObject({ code: 'bad_request' });
    const html = planted({ contentType: 'text/html', fileName: 'x.html' });
    expect(await refusal(send(alice, [html]))).toMatchObject({ code: 'bad_request' });
  });

  it('HEADs each upload once, all of them, and a send without files none', async () => {
    const ids = [await upload(alice), await upload(alice), await upload(alice)];
    world.files.heads = 0;
    await sendMessage(world.deps, alice, { roomId: ROOM, content: 'text only' }, reply(alice));
    expect(world.files.heads).toBe(0);
    await send(alice, ids);
    expect(world.files.heads).toBe(3);
  });

  it('refuses empty content without attachments, as before', () => {
    expect(() =>
      validateRequest('send_message', { fields: { roomId: ROOM, content: '' } }, world.deps.limits),
    ).toThrow('content must not be empty');
    expect(
      validateRequest(
        'send_message',
        { fields: { roomId: ROOM, content: '', attachments: [world.files.newUploadId()] } },
        world.deps.limits,
      ),
    ).toMatchObject({ content: '' });
  });

  it('links the files of an edited message and of a room’s last message', async () => {
    const id = await upload(alice);
    await send(alice, [id], 'first');
    world.sender.clear();
    await editMessage(world.deps, alice, { roomId: ROOM, seq: 1, content: 'edited' }, reply(alice));
    const updated = world.sender.framesOfType('b1', 'message_updated')[0];
    expect(updated?.message.attachments?.[0]?.url).toContain(uploadKey(ROOM, id));
    expect(world.sender.framesOfType('a1', 'ack')[0]?.message.attachments?.[0]?.url).toContain(id);
    await listRooms(world.deps, alice, {}, reply(alice));
    const rooms = world.sender.framesOfType('a1', 'rooms')[0]?.rooms ?? [];
    const lobby = rooms.find((r) => r.roomId === ROOM);
    expect(lobby?.lastMessage?.attachments?.[0]?.url).toContain(uploadKey(ROOM, id));
  });
});
