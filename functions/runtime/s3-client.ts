/**
 * The S3 client, for what reads and writes whole objects (the thumbnail worker); the
 * routes only sign and HEAD, without it (stores/s3/file-store.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
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
    // Checksums only where S3 requires them, as the local S3 checks only SigV4's hash.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
