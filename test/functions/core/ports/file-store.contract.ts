/**
 * The FileStore contract, run against every implementation: the S3 adapter over the dev
 * server's local S3 (test/local/s3/) and the tests' fake (test/support/fake-files.ts). Each
 * factory returns `[harness, cleanup]`; `put` is the client's PUT of a signed upload, as
 * the SDK's `client.upload` sends it, answering the HTTP status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadKey } from '../../../../functions/core/files.js';
import type { FileStore, UploadSpec } from '../../../../functions/core/ports.js';

export interface FileStoreHarness {
  store: FileStore;
  put(url: string, headers: Record<string, string>, bytes: Uint8Array): Promise<number>;
}

export type FileStoreFactory = () => Promise<[FileStoreHarness, () => Promise<void>]>;

export function fileStoreContract(name: string, factory: FileStoreFactory) {
  describe(`FileStore contract: ${name}`, () => {
    let harness: FileStoreHarness;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      [harness, cleanup] = await factory();
    });
    afterAll(() => cleanup?.());

    const spec = (bytes: Uint8Array, extra: Partial<UploadSpec> = {}): UploadSpec => {
      const roomId = extra.roomId ?? 'files-contract';
      return {
        key: uploadKey(roomId, harness.store.newUploadId()),
        size: bytes.length,
        contentType: 'text/plain',
        uploaderId: 'ålice',
        roomId,
        fileName: 'notes ✓ 1.txt',
        ...extra,
      };
    };
    const bytes = new TextEncoder().encode('hello, files');

    it('makes a new UUID for every upload', () => {
      const ids = new Set(Array.from({ length: 20 }, () => harness.store.newUploadId()));
      expect(ids.size).toBe(20);
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    it('answers a key that holds nothing as undefined', async () => {
      expect(
        await harness.store.statUpload(uploadKey('files-contract', harness.store.newUploadId())),
      ).toBeUndefined();
    });

    it('takes exactly the signed upload, and reports what it signed', async () => {
      const upload = spec(bytes);
      const signed = await harness.store.signUpload(upload, 60);
      expect(await harness.put(signed.url, signed.headers, bytes)).toBe(200);
      expect(await harness.store.statUpload(upload.key)).toEqual({
        size: bytes.length,
        contentType: 'text/plain',
        uploaderId: 'ålice',
        roomId: 'files-contract',
        fileName: 'notes ✓ 1.txt',
      });
    });

    it('refuses a body of another size than signed, storing nothing', async () => {
      const upload = spec(bytes);
      const signed = await harness.store.signUpload(upload, 60);
      const longer = new TextEncoder().encode('hello, files!');
      expect(await harness.put(signed.url, signed.headers, longer)).toBe(403);
      expect(await harness.store.statUpload(upload.key)).toBeUndefined();
    });

    it('refuses another content type than signed, storing nothing', async () => {
      const upload = spec(bytes);
      const signed = await harness.store.signUpload(upload, 60);
      const headers = { ...signed.headers, 'content-type': 'text/html' };
      expect(await harness.put(signed.url, headers, bytes)).toBe(403);
      expect(await harness.store.statUpload(upload.key)).toBeUndefined();
    });

    it('deletes the objects under the keys given, and only those; twice is no error', async () => {
      const stored = async () => {
        const upload = spec(bytes);
        const signed = await harness.store.signUpload(upload, 60);
        expect(await harness.put(signed.url, signed.headers, bytes)).toBe(200);
        return upload.key;
      };
      const [gone1, gone2, kept] = [await stored(), await stored(), await stored()];
      const never = uploadKey('files-contract', harness.store.newUploadId());
      await harness.store.deleteObjects([gone1, never, gone2]);
      expect(await harness.store.statUpload(gone1)).toBeUndefined();
      expect(await harness.store.statUpload(gone2)).toBeUndefined();
      expect(await harness.store.statUpload(kept)).toMatchObject({ size: bytes.length });
      await harness.store.deleteObjects([gone1, gone2]);
      await harness.store.deleteObjects([]);
      expect(await harness.store.statUpload(kept)).toMatchObject({ size: bytes.length });
    });

    it('links to the object under its key', async () => {
      const key = uploadKey('files-contract', harness.store.newUploadId());
      const url = await harness.store.downloadUrl(key, 60);
      expect(new URL(url).pathname.endsWith(`/${key}`)).toBe(true);
    });
  });
}
