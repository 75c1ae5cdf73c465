/**
 * Attachments' object storage on S3 (or any S3-compatible server: the dev server's,
 * local/s3/). Signing is the presigner's local work; only `statUpload` is a request.
 */
import { randomUUID } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileStore, SignedUpload, StoredUpload, UploadSpec } from '../../core/ports.js';
import { guardedS3, isMissingObject } from './errors.js';
import { contentDisposition, readMetadata, uploadMetadata } from './metadata.js';

/**
 * What the upload's signature covers beside the host: S3 refuses a PUT whose body length,
 * type, disposition or metadata differ from what was signed (SignatureDoesNotMatch).
 */
export const SIGNED_UPLOAD_HEADERS = ['content-length', 'content-type', 'content-disposition'];

export class S3FileStore implements FileStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  newUploadId(): string {
    return randomUUID();
  }

  async signUpload(spec: UploadSpec, expiresInSeconds: number): Promise<SignedUpload> {
    const metadata = uploadMetadata(spec);
    const disposition = contentDisposition(spec.fileName);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: spec.key,
      ContentLength: spec.size,
      ContentType: spec.contentType,
      ContentDisposition: disposition,
      Metadata: metadata,
    });
    const metaHeaders = Object.fromEntries(
      Object.entries(metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    );
    const url = await getSignedUrl(this.client, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(SIGNED_UPLOAD_HEADERS),
      // Headers, not query parameters: the client sends them as given, and the signature
      // names each one, so none can be left out or changed.
      unhoistableHeaders: new Set(Object.keys(metaHeaders)),
    });
    // Content-Length is signed but not listed: every client sets it from the body (a
    // browser refuses to let a page set it), and a body of another size fails the signature.
    return {
      url,
      headers: {
        'content-type': spec.contentType,
        'content-disposition': disposition,
        ...metaHeaders,
      },
    };
  }

  async statUpload(key: string): Promise<StoredUpload | undefined> {
    try {
      const head = await guardedS3(() =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
      );
      return {
        size: head.ContentLength ?? 0,
        contentType: head.ContentType ?? 'application/octet-stream',
        ...readMetadata(head.Metadata),
      };
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }
}
