/**
 * The dev server's local S3 (local/s3/) with the real @aws-sdk/client-s3 and presigner:
 * the S3 adapter keeps the FileStore contract over it, and it refuses what S3 refuses
 * (a signature that does not match, an expired URL, anonymous access).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileStore } from '../../../functions/runtime/files.js';
import { createS3Client } from '../../../functions/runtime/s3-client.js';
import { S3Objects } from '../../../functions/stores/s3/objects.js';
import { type LocalS3, startLocalS3 } from '../../../local/s3/server.js';
import { fileStoreContract } from '../../functions/core/ports/file-store.contract.js';

const BUCKET = 'parley-test-files';

async function localS3(): Promise<{ s3: LocalS3; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-s3-'));
  return { s3: await startLocalS3({ dir, bucket: BUCKET }), dir };
}

const put = async (url: string, headers: Record<string, string>, bytes: Uint8Array) =>
  (await fetch(url, { method: 'PUT', headers, body: bytes })).status;

fileStoreContract('S3 adapter over the local S3', async () => {
  const { s3, dir } = await localS3();
  const store = createFileStore({
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: s3.endpoint,
    AWS_REGION: 'us-east-1',
  });
  return [
    { store: store!, put },
    async () => {
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    },
  ];
});

describe('the local S3', () => {
  let s3: LocalS3;
  let dir: string;
  let client: ReturnType<typeof createS3Client>;
  beforeAll(async () => {
    ({ s3, dir } = await localS3());
    client = createS3Client({
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: s3.endpoint,
      AWS_REGION: 'us-east-1',
    });
  });
  afterAll(async () => {
    client.destroy();
    await s3.close();
    await rm(dir, { recursive: true, force: true });
  });

  const putUrl = (key: string, size: number, signingDate?: Date) =>
    getSignedUrl(
      client,
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        ContentLength: size,
        ContentType: 'text/plain',
      }),
      {
        expiresIn: 60,
        signableHeaders: new Set(['content-length', 'content-type']),
        ...(signingDate ? { signingDate } : {}),
      },
    );

  it('refuses a presigned URL past its expiry, as S3 does', async () => {
    const url = await putUrl('rooms/r/expired', 2, new Date(Date.now() - 120_000));
    const response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('refuses a URL whose signature was changed, and a request with none', async () => {
    const url = new URL(await putUrl('rooms/r/tampered', 2));
    url.searchParams.set('X-Amz-Expires', '600');
    const tampered = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('SignatureDoesNotMatch');
    const anonymous = await fetch(`${s3.endpoint}/${BUCKET}/rooms/r/tampered`);
    expect(anonymous.status).toBe(403);
  });

  it('refuses a key other than the one signed', async () => {
    const url = (await putUrl('rooms/r/one', 2)).replace('/rooms/r/one?', '/rooms/r/two?');
    const response = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(response.status).toBe(403);
  });

  it('serves signed GETs with the stored type, and the SDK reads and writes through it', async () => {
    const objects = new S3Objects(client, BUCKET);
    await objects.putObject('thumbs/r/x.webp', new Uint8Array([1, 2, 3]), 'image/webp');
    expect(await objects.getObject('thumbs/r/x.webp')).toEqual({
      bytes: new Uint8Array([1, 2, 3]),
      contentType: 'image/webp',
    });
    expect(await objects.getObject('thumbs/r/none.webp')).toBeUndefined();
    const url = await getSignedUrl(
      client,
      new GetObjectCommand({ Bucket: BUCKET, Key: 'thumbs/r/x.webp' }),
      {
        expiresIn: 60,
      },
    );
    const response = await fetch(url, { headers: { origin: 'http://localhost:3001' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("answers the page's CORS preflight for a PUT with the signed headers", async () => {
    const response = await fetch(`${s3.endpoint}/${BUCKET}/rooms/r/x`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3001',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type,x-amz-meta-uploader',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'content-type,x-amz-meta-uploader',
    );
  });
});
