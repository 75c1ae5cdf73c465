/**
 * The tests' object storage: a `FileStore` that keeps objects in memory and, like S3, only
 * takes a PUT that matches what was signed (size, type, every signed header) before it
 * expires. It passes the same contract as the S3 adapter (test/functions/core/ports/
 * file-store.contract.ts). `heads` counts `statUpload` calls: one HEAD each on S3.
 */
import type {
  FileStore,
  SignedUpload,
  StoredUpload,
  UploadSpec,
} from '../../functions/core/ports.js';

interface Signed {
  spec: UploadSpec;
  headers: Record<string, string>;
  expiresAt: number;
}

export class FakeFileStore implements FileStore {
  readonly objects = new Map<string, StoredUpload & { bytes: Uint8Array }>();
  private readonly signed = new Map<string, Signed>();
  private next = 0;
  heads = 0;
  now = () => Date.now();

  newUploadId(): string {
    this.next++;
    return `0b0b0b0b-0000-4000-8000-${String(this.next).padStart(12, '0')}`;
  }

  async signUpload(spec: UploadSpec, expiresInSeconds: number): Promise<SignedUpload> {
    const url = `https://files.test/${spec.key}?signature=${this.signed.size + 1}`;
    const headers = {
      'content-type': spec.contentType,
      'x-amz-meta-uploader': encodeURIComponent(spec.uploaderId),
    };
    this.signed.set(url, { spec, headers, expiresAt: this.now() + expiresInSeconds * 1000 });
    return { url, headers };
  }

  /** A client's PUT: refused (403, as S3) unless it is exactly what was signed, in time. */
  async put(url: string, headers: Record<string, string>, bytes: Uint8Array): Promise<number> {
    const signed = this.signed.get(url);
    if (!signed || this.now() > signed.expiresAt) return 403;
    const sameHeaders = Object.entries(signed.headers).every(([k, v]) => headers[k] === v);
    if (!sameHeaders || bytes.length !== signed.spec.size) return 403;
    const { spec } = signed;
    this.objects.set(spec.key, {
      bytes,
      size: bytes.length,
      contentType: spec.contentType,
      uploaderId: spec.uploaderId,
      roomId: spec.roomId,
      fileName: spec.fileName,
    });
    return 200;
  }

  async statUpload(key: string): Promise<StoredUpload | undefined> {
    this.heads++;
    const object = this.objects.get(key);
    if (!object) return undefined;
    const { bytes: _bytes, ...stat } = object;
    return stat;
  }

  async deleteObjects(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  async downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return `https://files.test/${key}?expires=${expiresInSeconds}`;
  }
}
