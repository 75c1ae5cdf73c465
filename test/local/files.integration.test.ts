/**
 * Files end to end as `npm run dev` wires them: the local gateway's handlers and the local
 * S3 (with the thumbnail worker after each PUT), the real @aws-sdk/client-s3 and presigner
 * on the server side and a plain HTTP PUT and GET on the client's, as a browser sends them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment, Message } from '../../functions/core/message.js';
import { type LocalFiles, startLocalFiles } from '../../local/s3/local-files.js';
import type { ChatClient, Frame } from '../support/chat-client.js';
import { startTestParley, type TestParley } from '../support/parley.js';
import { uid } from '../support/services.js';

let dir: string;
let files: LocalFiles;
let parley: TestParley;
let alice: ChatClient;
let bob: ChatClient;
const room = uid('files');

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-files-'));
  files = await startLocalFiles({ dataDir: dir });
  parley = await startTestParley(files.env);
  [alice, bob] = await Promise.all([parley.connect('alice'), parley.connect('bob')]);
  for (const client of [alice, bob])
    expect((await client.joinWhenAvailable(room)).type).toBe('room_history');
});

afterAll(async () => {
  await Promise.all([alice?.close(), bob?.close()]);
  await parley?.close();
  await files?.close();
  await rm(dir, { recursive: true, force: true });
});

async function uploadAs(
  client: ChatClient,
  fileName: string,
  contentType: string,
  bytes: Uint8Array,
) {
  const ticket = await client.request({
    action: 'request_upload',
    roomId: room,
    fileName,
    contentType,
    size: bytes.length,
  });
  expect(ticket).toMatchObject({ type: 'upload', method: 'PUT' });
  const put = await fetch(ticket.url as string, {
    method: 'PUT',
    headers: ticket.headers as Record<string, string>,
    body: bytes,
  });
  return { ticket, status: put.status };
}

const sendFiles = (client: ChatClient, attachments: string[], content = ''): Promise<Frame> =>
  client.request({ action: 'send_message', roomId: room, content, attachments });

describe('files through the local gateway and the local S3', () => {
  it('uploads an image, sends it, and serves its bytes and its thumbnail to the room', async () => {
    const image = await sharp({
      create: { width: 900, height: 600, channels: 3, background: { r: 10, g: 120, b: 200 } },
    })
      .png()
      .toBuffer();
    const { ticket, status } = await uploadAs(alice, 'sky.png', 'image/png', image);
    expect(status).toBe(200);
    const uploadId = ticket.uploadId as string;
    const heard = bob.next(
      (f) => f.type === 'new_message' && (f.message as Message).roomId === room,
    );
    const ack = await sendFiles(alice, [uploadId]);
    expect(ack).toMatchObject({
      type: 'ack',
      message: {
        content: '',
        attachments: [
          { id: uploadId, fileName: 'sky.png', contentType: 'image/png', size: image.length },
        ],
      },
    });
    const attachment = ((await heard).message as Message).attachments?.[0] as Attachment;
    const got = await fetch(attachment.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''sky.png");
    expect(Buffer.from(await got.arrayBuffer()).equals(image)).toBe(true);
    // The worker runs after the PUT, as S3's notification does: wait for it, then read.
    await files.idle();
    const thumbnail = await fetch(attachment.thumbnailUrl ?? '');
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata()).toMatchObject({
      width: 320,
      height: 213,
    });
    // History serves the same files with links of its own.
    const page = await bob.request({ action: 'get_history', roomId: room });
    const listed = (page.messages as Message[]).find((m) => m.attachments?.[0]?.id === uploadId);
    expect((await fetch(listed?.attachments?.[0]?.url ?? '')).status).toBe(200);
  });

  it('refuses a PUT of another size than asked for, and a send of that upload', async () => {
    const { ticket, status } = await uploadAs(
      alice,
      'a.txt',
      'text/plain',
      new TextEncoder().encode('four'),
    );
    expect(status).toBe(200);
    const other = await alice.request({
      action: 'request_upload',
      roomId: room,
      fileName: 'b.txt',
      contentType: 'text/plain',
      size: 4,
    });
    const put = await fetch(other.url as string, {
      method: 'PUT',
      headers: other.headers as Record<string, string>,
      body: 'fives',
    });
    expect(put.status).toBe(403);
    expect(await sendFiles(alice, [other.uploadId as string])).toMatchObject({
      type: 'error',
      code: 'bad_request',
    });
    // Someone else's upload, though it exists, is not bob's to send.
    expect(await sendFiles(bob, [ticket.uploadId as string])).toMatchObject({
      type: 'error',
      code: 'bad_request',
      message: expect.stringContaining(ticket.uploadId as string),
    });
  });

  it('answers payload_too_large before signing a file over the limit', async () => {
    const reply = await alice.request({
      action: 'request_upload',
      roomId: room,
      fileName: 'huge.zip',
      contentType: 'application/zip',
      size: 25 * 1024 * 1024 + 1,
    });
    expect(reply).toMatchObject({ type: 'error', code: 'payload_too_large' });
  });
});
