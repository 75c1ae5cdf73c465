/**
 * The signed metadata of an upload, as `x-amz-meta-*` headers. S3 keeps metadata values as
 * US-ASCII header text, and user ids, room ids and file names may be any Unicode: each
 * value is percent-encoded (encodeURIComponent) on the way in and decoded on the way out.
 */
import type { StoredUpload, UploadSpec } from '../../core/ports.js';

/** The names under `x-amz-meta-` (S3 lower-cases them). */
const UPLOADER = 'uploader';
const ROOM = 'room';
const FILE_NAME = 'filename';

export function uploadMetadata(spec: UploadSpec): Record<string, string> {
  return {
    [UPLOADER]: encodeURIComponent(spec.uploaderId),
    [ROOM]: encodeURIComponent(spec.roomId),
    [FILE_NAME]: encodeURIComponent(spec.fileName),
  };
}

/**
 * `Content-Disposition: attachment` on every object: a link opened in a browser downloads
 * the file instead of rendering it on the bucket's origin, whatever its type. The name is
 * RFC 6266's `filename*` (UTF-8, percent-encoded).
 */
export function contentDisposition(fileName: string): string {
  return `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function decoded(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The metadata of a stored object, as the port reports it; absent fields stay absent. */
export function readMetadata(
  metadata: Record<string, string> | undefined,
): Pick<StoredUpload, 'uploaderId' | 'roomId' | 'fileName'> {
  const uploaderId = decoded(metadata?.[UPLOADER]);
  const roomId = decoded(metadata?.[ROOM]);
  const fileName = decoded(metadata?.[FILE_NAME]);
  return {
    ...(uploaderId !== undefined ? { uploaderId } : {}),
    ...(roomId !== undefined ? { roomId } : {}),
    ...(fileName !== undefined ? { fileName } : {}),
  };
}
