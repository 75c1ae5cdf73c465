/**
 * Attachments' object storage on S3 (or any S3-compatible server: the dev server's,
 * local/s3/), with SigV4 done here by @smithy/signature-v4 rather than through
 * @aws-sdk/client-s3: every route that serves messages signs links, and the S3 client
 * would add about 190 KB to each of their bundles (docs/decisions/2026-12-06-files.md).
 * Signing is local work; only `statUpload` (one HEAD) and `deleteObjects` (erasure's
 * DELETEs) are requests.
 */
import { randomUUID } from 'node:crypto';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { FileStore, SignedUpload, StoredUpload, UploadSpec } from '../../core/ports.js';
import { guardedS3 } from './errors.js';
import { contentDisposition, readMetadata, uploadMetadata } from './metadata.js';
import { NodeSha256 } from './sha256.js';

/**
 * DELETEs in flight at once: one DELETE per key rather than a DeleteObjects batch, which
 * needs an XML body with its MD5 and per-key errors parsed out of the answer; erasure is
 * rare and a user's files are few (docs/decisions/2026-12-07-erasing-files.md).
 */
const DELETE_CONCURRENCY = 8;

/** What S3 reads for a request's body it was not given a hash of. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/**
 * What the upload's signature covers beside the host: S3 refuses a PUT whose body length,
 * type, disposition or metadata differ from what was signed (SignatureDoesNotMatch).
 */
export const SIGNED_UPLOAD_HEADERS = ['content-length', 'content-type', 'content-disposition'];

export interface S3Location {
  bucket: string;
  region: string;
  /** A path-style S3-compatible endpoint (`http://127.0.0.1:3003`); else S3's own. */
  endpoint?: string;
  credentials: AwsCredentialIdentityProvider;
  /** The HEAD's deadline: nothing waits on a store much longer than a second. */
  requestTimeoutMs?: number;
}

interface Target {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  host: string;
}

/** RFC 3986 encoding of a query value, as SigV4 and S3 expect it. */
const encode = (value: string) =>
  encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** An S3 error as the SDK would raise it, for the store guard (5xx, 429: unavailable). */
class S3RequestError extends Error {
  override readonly name = 'S3RequestError';
  readonly $metadata: { httpStatusCode: number };
  constructor(status: number) {
    super(`S3 answered ${status}`);
    this.$metadata = { httpStatusCode: status };
  }
}

export class S3FileStore implements FileStore {
  private readonly signer: SignatureV4;
  private readonly http: NodeHttpHandler;

  constructor(private readonly location: S3Location) {
    this.signer = new SignatureV4({
      service: 's3',
      region: location.region,
      credentials: location.credentials,
      sha256: NodeSha256,
      // S3 signs the path as sent, not encoded twice as other services do.
      uriEscapePath: false,
      applyChecksum: false,
    });
    const timeout = location.requestTimeoutMs ?? 1000;
    this.http = new NodeHttpHandler({ connectionTimeout: timeout, requestTimeout: timeout });
  }

  private target(key: string): Target {
    const path = `/${key.split('/').map(encode).join('/')}`;
    const { bucket, endpoint, region } = this.location;
    if (endpoint) {
      const url = new URL(endpoint);
      return {
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: `/${encode(bucket)}${path}`,
        host: url.host,
      };
    }
    const hostname = `${bucket}.s3.${region}.amazonaws.com`;
    return { protocol: 'https:', hostname, path, host: hostname };
  }

  private async presign(
    method: 'GET' | 'PUT',
    key: string,
    headers: Record<string, string>,
    expiresIn: number,
    unhoistable: Set<string>,
  ): Promise<string> {
    const { host, ...target } = this.target(key);
    const signed = await this.signer.presign(
      {
        method,
        ...target,
        query: {},
        headers: { host, 'x-amz-content-sha256': UNSIGNED_PAYLOAD, ...headers },
      },
      {
        expiresIn,
        unhoistableHeaders: unhoistable,
        signableHeaders: new Set(SIGNED_UPLOAD_HEADERS),
      },
    );
    const query = Object.entries(signed.query ?? {})
      .flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value]).map((v) => `${encode(name)}=${encode(v ?? '')}`),
      )
      .join('&');
    return `${target.protocol}//${host}${target.path}?${query}`;
  }

  newUploadId(): string {
    return randomUUID();
  }

  async signUpload(spec: UploadSpec, expiresInSeconds: number): Promise<SignedUpload> {
    const metaHeaders = Object.fromEntries(
      Object.entries(uploadMetadata(spec)).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    );
    const headers = {
      'content-type': spec.contentType,
      'content-disposition': contentDisposition(spec.fileName),
      ...metaHeaders,
    };
    const url = await this.presign(
      'PUT',
      spec.key,
      { ...headers, 'content-length': String(spec.size) },
      expiresInSeconds,
      // Headers, not query parameters: the client sends them as given, and the signature
      // names each one, so none can be left out or changed.
      new Set(Object.keys(metaHeaders)),
    );
    // Content-Length is signed but not listed: every client sets it from the body (a
    // browser refuses to let a page set it), and a body of another size fails the signature.
    return { url, headers };
  }

  /** One signed request without a body; its answer's body (if any) is drained. */
  private async request(method: 'HEAD' | 'DELETE', key: string) {
    const { host, ...target } = this.target(key);
    const request = await this.signer.sign({
      method,
      ...target,
      query: {},
      headers: { host, 'x-amz-content-sha256': UNSIGNED_PAYLOAD },
    });
    const { response } = await this.http.handle(
      request as Parameters<NodeHttpHandler['handle']>[0],
    );
    // Neither answer carries anything we read; drain what a proxy may have sent anyway.
    (response.body as NodeJS.ReadableStream | undefined)?.resume?.();
    return response;
  }

  async deleteObjects(keys: readonly string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      for (let key = keys[next++]; key !== undefined; key = keys[next++]) {
        await guardedS3(async () => {
          const { statusCode } = await this.request('DELETE', key);
          // S3 answers 204 whether or not the key held anything.
          if (statusCode !== 204 && statusCode !== 200 && statusCode !== 404) {
            throw new S3RequestError(statusCode);
          }
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(DELETE_CONCURRENCY, keys.length) }, worker));
  }

  async statUpload(key: string): Promise<StoredUpload | undefined> {
    const response = await guardedS3(async () => {
      const response = await this.request('HEAD', key);
      if (response.statusCode === 404) return undefined;
      if (response.statusCode !== 200) throw new S3RequestError(response.statusCode);
      return response;
    });
    if (!response) return undefined;
    const header = (name: string) => response.headers[name];
    const metadata = Object.fromEntries(
      Object.entries(response.headers)
        .filter(([name]) => name.startsWith('x-amz-meta-'))
        .map(([name, value]) => [name.slice('x-amz-meta-'.length), value]),
    );
    return {
      size: Number(header('content-length') ?? 0),
      contentType: header('content-type') ?? 'application/octet-stream',
      ...readMetadata(metadata),
    };
  }

  downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return this.presign('GET', key, {}, expiresInSeconds, new Set());
  }
}
