/**
 * The local S3's objects on disk: `{dir}/{bucket}/{encoded key}` holds the bytes and
 * `{dir}/{bucket}/{encoded key}.json` what S3 keeps beside them (type, disposition,
 * metadata, ETag). A key is encoded whole (encodeURIComponent), so no key can name a path
 * outside its bucket's folder, and the two files never collide (`.json` is no encoded key's
 * ending: keys ending so get a `~` first).
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ObjectInfo {
  size: number;
  contentType: string;
  contentDisposition?: string;
  metadata: Record<string, string>;
  etag: string;
  lastModified: string;
}

export class ObjectFiles {
  constructor(private readonly dir: string) {}

  private paths(bucket: string, key: string): { data: string; info: string } {
    const name = encodeURIComponent(key).replace(/\.json$/, '.json~');
    const base = join(this.dir, encodeURIComponent(bucket), name);
    return { data: base, info: `${base}.json` };
  }

  /** A temporary file in the bucket's folder, for a PUT's bytes before they are checked. */
  async tempPath(bucket: string): Promise<string> {
    const folder = join(this.dir, encodeURIComponent(bucket));
    await mkdir(folder, { recursive: true });
    return join(folder, `.upload-${process.pid}-${Math.random().toString(36).slice(2)}`);
  }

  /** Moves a checked upload into place: the bytes, then what describes them. */
  async commit(bucket: string, key: string, temp: string, info: ObjectInfo): Promise<void> {
    const { data, info: infoPath } = this.paths(bucket, key);
    await rename(temp, data);
    await writeAtomically(infoPath, JSON.stringify(info));
  }

  async info(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    try {
      return JSON.parse(await readFile(this.paths(bucket, key).info, 'utf8')) as ObjectInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  read(bucket: string, key: string): ReadStream {
    return createReadStream(this.paths(bucket, key).data);
  }

  async remove(bucket: string, key: string): Promise<void> {
    const { data, info } = this.paths(bucket, key);
    await rm(info, { force: true });
    await rm(data, { force: true });
  }

  async discard(temp: string): Promise<void> {
    await rm(temp, { force: true });
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}
