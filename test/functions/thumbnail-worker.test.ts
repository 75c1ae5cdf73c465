/** The thumbnail worker, with sharp, over an in-memory bucket. */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  THUMBNAIL_PREFIX,
  thumbnailKey,
  UPLOAD_PREFIX,
  uploadKey,
} from '../../functions/core/files.js';
import type { ObjectBucket } from '../../functions/core/ports.js';
import { FILES_BUCKET } from '../../functions/route-table.js';
import {
  sharpThumbnailer,
  THUMBNAIL_MAX_PX,
} from '../../functions/stores/images/sharp-thumbnailer.js';
import { eventKey, makeThumbnailWorkerHandler } from '../../functions/thumbnail-worker.js';

class MemoryBucket implements ObjectBucket {
  readonly objects = new Map<string, { bytes: Uint8Array; contentType: string }>();
  async getObject(key: string) {
    return this.objects.get(key);
  }
  async putObject(key: string, bytes: Uint8Array, contentType: string) {
    this.objects.set(key, { bytes, contentType });
  }
}

const ID = '0b0b0b0b-0000-4000-8000-000000000001';
const event = (...keys: string[]) => ({
  Records: keys.map((key) => ({ s3: { object: { key: encodeURIComponent(key) } } })),
});

async function png(width: number, height: number): Promise<Uint8Array> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .png()
    .toBuffer();
}

describe('the thumbnail worker', () => {
  it('makes a WebP of at most 320 px for an uploaded PNG, under thumbs/', async () => {
    const bucket = new MemoryBucket();
    bucket.objects.set(uploadKey('lobby', ID), {
      bytes: await png(1200, 600),
      contentType: 'image/png',
    });
    await makeThumbnailWorkerHandler({ objects: () => bucket, thumbnailer: sharpThumbnailer })(
      event(uploadKey('lobby', ID)),
    );
    const thumbnail = bucket.objects.get(thumbnailKey('lobby', ID));
    expect(thumbnail?.contentType).toBe('image/webp');
    const meta = await sharp(thumbnail?.bytes).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: THUMBNAIL_MAX_PX, height: 160 });
  });

  it('never enlarges a small image', async () => {
    const bucket = new MemoryBucket();
    bucket.objects.set(uploadKey('lobby', ID), {
      bytes: await png(40, 30),
      contentType: 'image/png',
    });
    await makeThumbnailWorkerHandler({ objects: () => bucket, thumbnailer: sharpThumbnailer })(
      event(uploadKey('lobby', ID)),
    );
    const meta = await sharp(bucket.objects.get(thumbnailKey('lobby', ID))?.bytes).metadata();
    expect(meta).toMatchObject({ width: 40, height: 30 });
  });

  it('leaves alone what is no image, an encrypted room’s bytes, thumbnails and what is gone', async () => {
    const bucket = new MemoryBucket();
    const other = '0b0b0b0b-0000-4000-8000-000000000002';
    bucket.objects.set(uploadKey('lobby', ID), {
      bytes: new Uint8Array(10),
      contentType: 'application/pdf',
    });
    bucket.objects.set(uploadKey('secret', other), {
      bytes: await png(10, 10),
      contentType: 'application/octet-stream',
    });
    bucket.objects.set(thumbnailKey('lobby', other), {
      bytes: await png(10, 10),
      contentType: 'image/png',
    });
    const before = [...bucket.objects.keys()];
    await makeThumbnailWorkerHandler({ objects: () => bucket, thumbnailer: sharpThumbnailer })(
      event(
        uploadKey('lobby', ID),
        uploadKey('secret', other),
        thumbnailKey('lobby', other),
        uploadKey('lobby', other),
      ),
    );
    expect([...bucket.objects.keys()]).toEqual(before);
  });

  it('skips an image it cannot read (the type is the uploader’s word) and goes on', async () => {
    const bucket = new MemoryBucket();
    const good = '0b0b0b0b-0000-4000-8000-000000000003';
    bucket.objects.set(uploadKey('lobby', ID), {
      bytes: new Uint8Array([1, 2, 3]),
      contentType: 'image/png',
    });
    bucket.objects.set(uploadKey('lobby', good), {
      bytes: await png(10, 10),
      contentType: 'image/png',
    });
    await makeThumbnailWorkerHandler({ objects: () => bucket, thumbnailer: sharpThumbnailer })(
      event(uploadKey('lobby', ID), uploadKey('lobby', good)),
    );
    expect(bucket.objects.has(thumbnailKey('lobby', ID))).toBe(false);
    expect(bucket.objects.has(thumbnailKey('lobby', good))).toBe(true);
  });

  it('reads S3 event keys, which are form-encoded', () => {
    expect(eventKey('rooms/a-b/my+file%C3%A9')).toBe('rooms/a-b/my fileé');
  });
});

describe('the bucket layout', () => {
  it('is the same in the core (which makes the keys) and in the stack (grants, rules)', () => {
    expect(uploadKey('r', ID).startsWith(FILES_BUCKET.uploadPrefix)).toBe(true);
    expect(thumbnailKey('r', ID).startsWith(FILES_BUCKET.thumbnailPrefix)).toBe(true);
    expect([UPLOAD_PREFIX, THUMBNAIL_PREFIX]).toEqual([
      FILES_BUCKET.uploadPrefix,
      FILES_BUCKET.thumbnailPrefix,
    ]);
  });
});
