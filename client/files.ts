/**
 * File uploads (protocol v2, "Files"): `request_upload` signs a PUT for the file's name,
 * type and size; the bytes go straight to object storage with exactly the signed headers;
 * `send(roomId, content, { attachments: [uploadId] })` then attaches it to a message.
 * Failures of the PUT become `ParleyError`s with the protocol's codes.
 */
import { ParleyError } from './errors.js';
import { expectReply } from './room-calls.js';
import type { Attachment, ClientFrame, ServerFrame, UploadTicket } from './types.js';

/** A browser `Blob` or `File`, or bytes with a name and a MIME type (Node.js, tests). */
export type UploadSource = Blob | { name: string; type: string; data: Uint8Array };

/** The bytes that go up, and what the server is told about them. */
export interface UploadBytes {
  fileName: string;
  contentType: string;
  data: Uint8Array;
}

export interface UploadOptions {
  /**
   * Bytes sent so far out of the total. `fetch` reports no upload progress, so it is
   * called with 0 when the PUT starts and with the total when it is done.
   */
  onProgress?: (sent: number, total: number) => void;
}

/** What `send`'s `attachments` takes (`uploadId`), and what was uploaded. */
export interface UploadedFile {
  uploadId: string;
  fileName: string;
  contentType: string;
  size: number;
}

export interface FileApi {
  /**
   * Uploads a file to a room you are in; attach it with `send`'s `attachments`. In an
   * encrypted room with a key set, the bytes are encrypted first.
   *
   * @example
   * ```ts
   * const file = await client.upload('general', input.files[0]);
   * await client.send('general', 'the slides', { attachments: [file.uploadId] });
   * ```
   */
  upload(roomId: string, file: UploadSource, options?: UploadOptions): Promise<UploadedFile>;
  /**
   * An attachment's bytes as they were uploaded: in an encrypted room with a key set,
   * decrypted. Its `url` is short-lived: `forbidden` once it expired (fetch the message
   * again for a fresh one).
   */
  download(roomId: string, attachment: Attachment): Promise<Uint8Array>;
}

/** What an upload needs from the client. */
export interface UploadDeps {
  call(frame: ClientFrame): Promise<ServerFrame>;
  fetch: typeof fetch;
  /** The one place bytes may change before they go up (encryption, in encrypted rooms). */
  prepare(bytes: UploadBytes): Promise<UploadBytes>;
}

const DEFAULT_TYPE = 'application/octet-stream';

/** `512 B`, `1.5 KB`, `12 MB`: a file's size as people read it (1 KB = 1024 bytes). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${units[unit]}`;
}

/** A file's name, type and bytes, whichever form it came in. */
export async function readUpload(file: UploadSource): Promise<UploadBytes> {
  if ('data' in file) {
    return { fileName: file.name, contentType: file.type || DEFAULT_TYPE, data: file.data };
  }
  const name = 'name' in file && typeof file.name === 'string' ? file.name : '';
  return {
    fileName: name || 'file',
    contentType: file.type || DEFAULT_TYPE,
    data: new Uint8Array(await file.arrayBuffer()),
  };
}

export async function uploadFile(
  deps: UploadDeps,
  roomId: string,
  file: UploadSource,
  options: UploadOptions = {},
): Promise<UploadedFile> {
  const bytes = await deps.prepare(await readUpload(file));
  const size = bytes.data.byteLength;
  const ticket = expectReply(
    await deps.call({
      action: 'request_upload',
      roomId,
      fileName: bytes.fileName,
      contentType: bytes.contentType,
      size,
    }),
    'upload',
  );
  options.onProgress?.(0, size);
  await putBytes(deps.fetch, ticket, bytes.data);
  options.onProgress?.(size, size);
  return {
    uploadId: ticket.uploadId,
    fileName: bytes.fileName,
    contentType: bytes.contentType,
    size,
  };
}

/** GETs an attachment's signed url; storage's refusals as `putBytes`' are. */
export async function fetchBytes(fetchImpl: typeof fetch, url: string): Promise<Uint8Array> {
  const response = await reach(() => fetchImpl(url));
  if (!response.ok) throw await refusal(response);
  return new Uint8Array(await response.arrayBuffer());
}

/** A request to storage; a network failure is `unavailable`. */
async function reach(request: () => Promise<Response>): Promise<Response> {
  try {
    return await request();
  } catch (cause) {
    throw new ParleyError('unavailable', 'Storage could not be reached', undefined, { cause });
  }
}

/** Sends the bytes as signed: the method, the url and exactly the headers, nothing more. */
async function putBytes(fetchImpl: typeof fetch, ticket: UploadTicket, data: Uint8Array) {
  const response = await reach(() =>
    fetchImpl(ticket.url, {
      method: ticket.method,
      headers: ticket.headers,
      // fetch only reads the bytes; a view of a SharedArrayBuffer is not supported.
      body: data as Uint8Array<ArrayBuffer>,
    }),
  );
  if (!response.ok) throw await refusal(response);
}

/** Storage's answer as a `ParleyError`, with S3's own message when it gave one. */
async function refusal(response: Response): Promise<ParleyError> {
  const body = await response.text().catch(() => '');
  const detail = xmlField(body, 'Message');
  const why = `Storage refused the file (HTTP ${response.status}${detail ? `: ${detail}` : ''})`;
  return new ParleyError(codeOfStatus(response.status, xmlField(body, 'Code')), why);
}

/** A field of S3's XML error body (`<Code>`, `<Message>`); anything else is not shown. */
function xmlField(body: string, name: string): string {
  return new RegExp(`<${name}>([^<]{1,300})</${name}>`).exec(body)?.[1]?.trim() ?? '';
}

/**
 * The protocol's codes for what storage answered: a signature past `expiresAt` or not
 * matching (403) is `forbidden`; a body over the signed size `payload_too_large`; a busy
 * or failing store is worth another try later.
 */
function codeOfStatus(status: number, s3Code: string): string {
  if (status === 413 || s3Code === 'EntityTooLarge') return 'payload_too_large';
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'bad_request';
}
