/**
 * The thumbnail worker (protocol v2, "Files"): S3 calls it when an object is created (an
 * event notification on `rooms/`); the dev server's local S3 calls the same handler after
 * each PUT. For an image upload it writes a WebP thumbnail at the key a served message's
 * `thumbnailUrl` names (core/files.ts); anything else it leaves alone.
 */
import { parseUploadKey, thumbnailTarget } from './core/files.js';
import type { ObjectBucket, Thumbnailer } from './core/ports.js';
import { readFilesConfig } from './runtime/config.js';
import { logger } from './runtime/logger.js';
import { createS3Client } from './runtime/s3-client.js';
import { once } from './shared/memo.js';
import { sharpThumbnailer } from './stores/images/sharp-thumbnailer.js';
import { S3Objects } from './stores/s3/objects.js';

export interface ThumbnailWiring {
  objects(): ObjectBucket | Promise<ObjectBucket>;
  thumbnailer: Thumbnailer;
}

/** What the worker reads of S3's event (aws-lambda's `S3Event` is one). */
export interface ObjectCreatedEvent {
  Records: { s3: { object: { key: string } } }[];
}

export type ThumbnailWorkerHandler = (event: ObjectCreatedEvent) => Promise<void>;

/** S3 event keys are form-encoded: `+` is a space. */
export function eventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * Makes each record's thumbnail. A record that fails throws, so Lambda retries the event
 * (S3's asynchronous invocation: twice); a thumbnail written twice is the same thumbnail.
 */
export function makeThumbnailWorkerHandler(wiring: ThumbnailWiring): ThumbnailWorkerHandler {
  return async (event) => {
    const objects = await wiring.objects();
    for (const record of event.Records) {
      const key = eventKey(record.s3.object.key);
      // Only uploads (the notification's prefix on AWS; the local S3 reports every PUT).
      if (!parseUploadKey(key)) continue;
      const object = await objects.getObject(key);
      // Gone since (deleted, expired), or no image: nothing to make.
      const target = object && thumbnailTarget(key, object.contentType);
      if (!object || !target) continue;
      let thumbnail: Uint8Array;
      try {
        thumbnail = await wiring.thumbnailer.thumbnail(object.bytes);
      } catch (error) {
        // Not an image after all (the type is the uploader's word): the page shows `url`.
        logger.warn('no thumbnail: the image could not be read', { key, error: String(error) });
        continue;
      }
      await objects.putObject(target, thumbnail, wiring.thumbnailer.contentType);
    }
  };
}

/** On Lambda: the bucket from the environment (`S3_BUCKET`), made on first use. */
export const handler = makeThumbnailWorkerHandler({
  objects: once(async () => {
    const config = readFilesConfig();
    return new S3Objects(createS3Client(config), config.S3_BUCKET ?? '');
  }),
  thumbnailer: sharpThumbnailer,
});
