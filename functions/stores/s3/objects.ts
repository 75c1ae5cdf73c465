/** Whole objects of the attachments' bucket, for the thumbnail worker. */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectBucket } from '../../core/ports.js';
import { guardedS3, isMissingObject } from './errors.js';

export class S3Objects implements ObjectBucket {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async getObject(key: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined> {
    try {
      const object = await guardedS3(() =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
      );
      if (!object.Body) return undefined;
      return {
        bytes: await object.Body.transformToByteArray(),
        contentType: object.ContentType ?? 'application/octet-stream',
      };
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  async putObject(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    await guardedS3(() =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
        }),
      ),
    );
  }
}
