/**
 * The dev server's attachments: the local S3 (./server.ts) with its objects under
 * `DATA_DIR/objects`, the bucket the handlers are told of, and the thumbnail worker
 * called after each PUT as S3's event notification calls it on AWS.
 */
import path from 'node:path';
import { createS3Client } from '../../functions/runtime/s3-client.js';
import { sharpThumbnailer } from '../../functions/stores/images/sharp-thumbnailer.js';
import { S3Objects } from '../../functions/stores/s3/objects.js';
import { makeThumbnailWorkerHandler } from '../../functions/thumbnail-worker.js';
import { type LocalS3, startLocalS3 } from './server.js';

/** The bucket's name in dev (any name works: the local S3 serves exactly this one). */
export const LOCAL_BUCKET = 'parley-files';

export interface LocalFilesOptions {
  dataDir: string;
  port?: number;
  /** The chat page's origin for CORS; default `*`. */
  corsOrigin?: string;
  onError?: (error: unknown) => void;
}

export interface LocalFiles extends LocalS3 {
  /** What the handlers' configuration gets: `S3_ENDPOINT` and `S3_BUCKET`. */
  env: { S3_ENDPOINT: string; S3_BUCKET: string };
}

export async function startLocalFiles(options: LocalFilesOptions): Promise<LocalFiles> {
  let objects: S3Objects | undefined;
  const worker = makeThumbnailWorkerHandler({
    objects: () => {
      if (!objects) throw new Error('the local S3 is not listening yet');
      return objects;
    },
    thumbnailer: sharpThumbnailer,
  });
  const s3 = await startLocalS3(
    {
      dir: path.join(options.dataDir, 'objects'),
      bucket: LOCAL_BUCKET,
      ...(options.corsOrigin ? { corsOrigin: options.corsOrigin } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
      // S3's ObjectCreated event for the one key, as the worker's trigger delivers it.
      onObjectCreated: ({ key }) =>
        worker({ Records: [{ s3: { object: { key: encodeURIComponent(key) } } }] }),
    },
    options.port ?? 0,
  );
  const env = { S3_ENDPOINT: s3.endpoint, S3_BUCKET: LOCAL_BUCKET };
  const client = createS3Client({ ...env, AWS_REGION: 'us-east-1' });
  objects = new S3Objects(client, LOCAL_BUCKET);
  return {
    ...s3,
    env,
    close: async () => {
      client.destroy();
      await s3.close();
    },
  };
}
