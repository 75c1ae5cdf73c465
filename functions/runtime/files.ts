/**
 * The attachments' store, made only when `S3_BUCKET` is set. Credentials: the role's on
 * Lambda (the SDK's default chain, as every client here), the local ones for a loopback
 * endpoint (the dev server's S3).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3FileStore } from '../stores/s3/file-store.js';
import type { FilesConfig } from './config.js';
import { localCredentials } from './local-credentials.js';

export function createFileStore(config: FilesConfig): S3FileStore | undefined {
  if (!config.S3_BUCKET) return undefined;
  const local = localCredentials(config.S3_ENDPOINT).credentials;
  return new S3FileStore({
    bucket: config.S3_BUCKET,
    region: config.AWS_REGION,
    ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
    credentials: local ? async () => local : defaultProvider(),
  });
}
