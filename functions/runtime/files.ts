/**
 * The S3 client and the attachments' store, apart from the rest of the runtime: the
 * thumbnail worker needs nothing else. Made only when `S3_BUCKET` is set.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3FileStore } from '../stores/s3/file-store.js';
import type { FilesConfig } from './config.js';
import { localCredentials } from './local-credentials.js';

export function createS3Client(config: FilesConfig): S3Client {
  return new S3Client({
    region: config.AWS_REGION,
    ...(config.S3_ENDPOINT
      ? // A local S3-compatible server: one host, the bucket in the path.
        { endpoint: config.S3_ENDPOINT, forcePathStyle: true }
      : {}),
    ...localCredentials(config.S3_ENDPOINT),
    // Checksums only where S3 requires them: a default CRC32 of an empty body would be
    // signed into every presigned PUT, and the client's real bytes would fail it.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export interface Files {
  client: S3Client;
  store: S3FileStore;
  close(): void;
}

export function createFiles(config: FilesConfig): Files | undefined {
  if (!config.S3_BUCKET) return undefined;
  const client = createS3Client(config);
  return {
    client,
    store: new S3FileStore(client, config.S3_BUCKET),
    close: () => client.destroy(),
  };
}
