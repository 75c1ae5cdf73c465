/**
 * Uploads and attachments in the SDK against the fake server and its fake storage:
 * `request_upload`, the PUT with exactly the signed headers, storage's refusals as
 * `ParleyError` codes, sealed bytes under neutral names in encrypted rooms, and `send`
 * with `attachments` (content may then be empty).
 */
import { describe, expect, it, vi } from 'vitest';
import {
  decryptBytes,
  ENCRYPTED_UPLOAD,
  formatFileSize,
  generateRoomKey,
  isParleyError,
  type Message,
  ParleyError,
} from '../../client/index.js';
import { FakeParley } from './fake-parley.js';
import { sdkHarness, until } from './harness.js';

const { setup } = sdkHarness();

const bytes = (text: string) => new TextEncoder().encode(text);

async function joined(server = new FakeParley(), token = 'alice') {
  const side = setup({ token, userId: token, fetch: server.files.fetch }, server);
  await side.client.join('r');
  return side;
}

async function rejection(promise: Promise<unknown>): Promise<ParleyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ParleyError)) throw new Error(`expected a ParleyError, got ${error}`);
  return error;
}

describe('upload', () => {
  it('signs, PUTs with exactly the signed headers, and reports progress', async () => {
    const { server, client } = await joined();
    const progress: [number, number][] = [];
    const file = await client.upload(
      'r',
      { name: 'notes.txt', type: 'text/plain', data: bytes('hello') },
      { onProgress: (sent, total) => progress.push([sent, total]) },
    );
    expect(file).toEqual({
      uploadId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      fileName: 'notes.txt',
      contentType: 'text/plain',
      size: 5,
    });
    expect(server.last.frames('request_upload')).toMatchObject([
      { roomId: 'r', fileName: 'notes.txt', contentType: 'text/plain', size: 5 },
    ]);
    expect(server.files.puts).toEqual([
      {
        url: expect.stringContaining(`/rooms/r/${file.uploadId}`),
        method: 'PUT',
        headers: { 'content-type': 'text/plain', 'content-length': '5' },
      },
    ]);
    expect(new TextDecoder().decode(server.files.uploads.get(file.uploadId)?.body)).toBe('hello');
    expect(progress).toEqual([
      [0, 5],
      [5, 5],
    ]);
  });

  it('takes a Blob: its bytes and type; a nameless one is "file"', async () => {
    const { server, client } = await joined();
    const file = await client.upload('r', new Blob(['<svg/>'], { type: 'image/svg+xml' }));
    expect(file).toMatchObject({ fileName: 'file', contentType: 'image/svg+xml', size: 6 });
    const untyped = await client.upload('r', { name: 'x.bin', type: '', data: bytes('ab') });
    expect(untyped.contentType).toBe('application/octet-stream');
    expect(server.files.uploads.get(untyped.uploadId)?.body?.byteLength).toBe(2);
  });

  it("rejects with the server's code and message when it will not sign", async () => {
    const server = new FakeParley();
    server.files.maxSize = 3;
    const { client } = await joined(server);
    const tooBig = await rejection(
      client.upload('r', { name: 'a.txt', type: 'text/plain', data: bytes('four') }),
    );
    expect(tooBig.code).toBe('payload_too_large');
    expect(tooBig.message).toBe('size: files may be at most 3 bytes');
    const badType = await rejection(
      client.upload('r', { name: 'a.exe', type: 'application/x-msdownload', data: bytes('1') }),
    );
    expect(badType.code).toBe('bad_request');
    expect(server.files.puts).toEqual([]);
  });

  it("maps storage's refusals to the protocol's codes, with S3's message", async () => {
    const { server, client } = await joined();
    const file = { name: 'a.txt', type: 'text/plain', data: bytes('abc') };
    const cases = [
      { status: 403, code: 'AccessDenied', expected: 'forbidden' },
      { status: 400, code: 'EntityTooLarge', expected: 'payload_too_large' },
      { status: 503, code: 'SlowDown', expected: 'unavailable' },
      { status: 400, code: 'InvalidArgument', expected: 'bad_request' },
    ];
    for (const c of cases) {
      server.files.failNextPut = { status: c.status, code: c.code, message: 'Nope here' };
      const error = await rejection(client.upload('r', file));
      expect([error.code, error.message]).toEqual([
        c.expected,
        `Storage refused the file (HTTP ${c.status}: Nope here)`,
      ]);
    }
  });

  it('a network failure on the PUT is unavailable', async () => {
    const server = new FakeParley();
    const { client } = setup({
      token: 'alice',
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    void server;
    await client.join('r');
    const error = await rejection(
      client.upload('r', { name: 'a.txt', type: 'text/plain', data: bytes('a') }),
    );
    expect(error.code).toBe('unavailable');
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('in an encrypted room: sealed bytes, a neutral name; the real name travels sealed', async () => {
    vi.useRealTimers(); // WebCrypto finishes on the thread pool, which fake timers cannot advance
    const server = new FakeParley();
    const key = await generateRoomKey();
    const alice = setup({ token: 'alice', userId: 'alice', fetch: server.files.fetch }, server);
    const bob = setup({ token: 'bob', userId: 'bob', fetch: server.files.fetch }, server);
    await alice.client.createRoom('vault', { encrypted: true });
    alice.client.setRoomKey('vault', key);
    bob.client.setRoomKey('vault', key);
    await alice.client.join('vault');
    await bob.client.join('vault');
    const file = await alice.client.upload('vault', {
      name: 'plan.png',
      type: 'image/png',
      data: bytes('the plan'),
    });
    // The app is told the real name; the server and storage saw only the neutral ones.
    expect(file).toMatchObject({ fileName: 'plan.png', contentType: 'image/png' });
    const stored = server.files.uploads.get(file.uploadId);
    expect(stored?.body).toBeDefined();
    expect(new TextDecoder().decode(stored?.body)).not.toContain('the plan');
    expect(await decryptBytes(key, stored?.body ?? new Uint8Array(), 'vault')).toEqual(
      bytes('the plan'),
    );
    expect(alice.server.sockets[0]?.frames('request_upload')).toMatchObject([
      { fileName: ENCRYPTED_UPLOAD.fileName, contentType: ENCRYPTED_UPLOAD.contentType },
    ]);
    await alice.client.send('vault', 'look', { attachments: [file.uploadId] });
    await until(() => bob.received.some((m: Message) => m.attachments !== undefined));
    const got = bob.received.at(-1);
    expect(got?.content).toBe('look');
    expect(got?.attachments?.map((f) => [f.fileName, f.contentType])).toEqual([
      ['plan.png', 'image/png'],
    ]);
    const attachment = got?.attachments?.[0];
    if (!attachment) throw new Error('no attachment');
    expect(await bob.client.download('vault', attachment)).toEqual(bytes('the plan'));
  });
});

describe('send with attachments', () => {
  it('carries the files; content may be empty; the room sees them', async () => {
    const server = new FakeParley();
    const alice = await joined(server, 'alice');
    const bob = await joined(server, 'bob');
    const a = await alice.client.upload('r', {
      name: 'a.png',
      type: 'image/png',
      data: bytes('png'),
    });
    const b = await alice.client.upload('r', {
      name: 'b.txt',
      type: 'text/plain',
      data: bytes('t'),
    });
    const sent = await alice.client.send('r', '', { attachments: [a.uploadId, b.uploadId] });
    expect(server.last.sent.length).toBeGreaterThan(0);
    expect(alice.server.sockets[0]?.frames('send_message')).toMatchObject([
      { content: '', attachments: [a.uploadId, b.uploadId] },
    ]);
    expect(sent.attachments).toEqual([
      {
        id: a.uploadId,
        fileName: 'a.png',
        contentType: 'image/png',
        size: 3,
        url: expect.any(String),
      },
      {
        id: b.uploadId,
        fileName: 'b.txt',
        contentType: 'text/plain',
        size: 1,
        url: expect.any(String),
      },
    ]);
    await until(() => bob.received.some((m: Message) => m.attachments !== undefined));
    expect(bob.received.at(-1)?.attachments?.map((f) => f.fileName)).toEqual(['a.png', 'b.txt']);
  });

  it('a send without attachments sends no attachments field', async () => {
    const { server, client } = await joined();
    await client.send('r', 'plain', { attachments: [] });
    expect(server.last.frames('send_message')[0]).not.toHaveProperty('attachments');
  });

  it("refuses someone else's upload as the server does", async () => {
    const server = new FakeParley();
    const alice = await joined(server, 'alice');
    const bob = await joined(server, 'bob');
    const file = await alice.client.upload('r', {
      name: 'a',
      type: 'text/plain',
      data: bytes('1'),
    });
    const error = await bob.client
      .send('r', 'mine', { attachments: [file.uploadId] })
      .catch((e) => e);
    expect(isParleyError(error, 'bad_request')).toBe(true);
  });
});

describe('formatFileSize', () => {
  it('reads as people read sizes', () => {
    expect(
      [0, 1023, 1024, 1536, 10 * 1024, 5_000_000, 3 * 1024 ** 3, 5 * 1024 ** 4].map(formatFileSize),
    ).toEqual(['0 B', '1023 B', '1 KB', '1.5 KB', '10 KB', '4.8 MB', '3 GB', '5120 GB']);
  });
});

describe('download', () => {
  it("gets an attachment's bytes, and storage's refusal once the link expired", async () => {
    const { server, client } = await joined();
    const file = await client.upload('r', {
      name: 'a.txt',
      type: 'text/plain',
      data: bytes('abc'),
    });
    const sent = await client.send('r', 'see', { attachments: [file.uploadId] });
    const attachment = sent.attachments?.[0];
    if (!attachment) throw new Error('no attachment');
    expect(new TextDecoder().decode(await client.download('r', attachment))).toBe('abc');
    server.files.uploads.delete(file.uploadId);
    const expired = await rejection(client.download('r', attachment));
    expect([expired.code, expired.message]).toEqual([
      'forbidden',
      'Storage refused the file (HTTP 403: Request has expired)',
    ]);
  });
});
