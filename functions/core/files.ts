/**
 * Files (protocol v2, "Files"): which uploads may be signed, where their objects live, what
 * a send checks of each before the message may carry it, and the links a served message
 * gets. Object storage is reached only through the `FileStore` port.
 */
import { ChatError } from './errors.js';
import type { RequestUploadRequest } from './file-frames.js';
import type { ChatLimits } from './limits.js';
import type { Attachment, Message, StoredAttachment } from './message.js';
import type { ChatDeps, FileStore } from './ports.js';

/**
 * What may be uploaded. Everything is stored with `Content-Disposition: attachment`, so a
 * link opened in a browser downloads instead of rendering on the bucket's origin; types that
 * run script when rendered (text/html, image/svg+xml, XML) are refused outright as well.
 * `application/octet-stream` is how an encrypted room's SDK uploads its ciphertext.
 */
export const UPLOAD_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/json',
  'application/zip',
  'application/gzip',
  'audio/mpeg',
  'audio/ogg',
  'audio/wav',
  'audio/webm',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'application/octet-stream',
]);

/** The types the thumbnail worker makes a WebP thumbnail of (functions/thumbnail-worker.ts). */
export const THUMBNAIL_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
]);

/**
 * The longest signed link a served attachment carries, in bytes: the reply budget counts
 * two per attachment (core/reply-budget.ts). On Lambda a link carries the role's session
 * token (about 1.3 KB); a longer link is not served (docs/decisions/2026-12-06-files.md).
 */
export const ATTACHMENT_URL_MAX_BYTES = 2560;

export const UPLOAD_PREFIX = 'rooms/';
export const THUMBNAIL_PREFIX = 'thumbs/';

/** Where an upload's bytes live: one prefix per room, so a room's files are one listing. */
export function uploadKey(roomId: string, uploadId: string): string {
  return `${UPLOAD_PREFIX}${roomId}/${uploadId}`;
}

/**
 * Where an image's thumbnail lives. Deterministic, so a message never needs to learn that
 * it exists: `thumbnailUrl` is always given for `THUMBNAIL_TYPES`, and a page whose
 * thumbnail is not there (yet) falls back to `url`.
 */
export function thumbnailKey(roomId: string, uploadId: string): string {
  return `${THUMBNAIL_PREFIX}${roomId}/${uploadId}.webp`;
}

/**
 * Every object an attachment has in the bucket: its upload, and its thumbnail when it is an
 * image the worker makes one of. What erasing its sender deletes.
 */
export function attachmentObjectKeys(
  roomId: string,
  attachment: Pick<StoredAttachment, 'id' | 'contentType'>,
): string[] {
  const upload = uploadKey(roomId, attachment.id);
  return THUMBNAIL_TYPES.has(attachment.contentType.toLowerCase())
    ? [upload, thumbnailKey(roomId, attachment.id)]
    : [upload];
}

/** The room and upload id of an upload's key, or undefined for any other key. */
export function parseUploadKey(key: string): { roomId: string; uploadId: string } | undefined {
  const match = /^rooms\/([A-Za-z0-9_-]{1,64})\/([0-9a-f-]{36})$/.exec(key);
  return match?.[1] && match[2] ? { roomId: match[1], uploadId: match[2] } : undefined;
}

/**
 * Where the thumbnail of a newly stored object goes, or undefined when it gets none: not
 * an upload (a thumbnail itself, anything else in the bucket), or not an image type the
 * worker reads (an encrypted room's `application/octet-stream` among them).
 */
export function thumbnailTarget(key: string, contentType: string): string | undefined {
  const upload = parseUploadKey(key);
  if (!upload || !THUMBNAIL_TYPES.has(contentType.toLowerCase())) return undefined;
  return thumbnailKey(upload.roomId, upload.uploadId);
}

/** Refuses what may not be signed: a type outside the list, a file over the limit. */
export function checkUploadRequest(limits: ChatLimits, request: RequestUploadRequest): void {
  if (!UPLOAD_CONTENT_TYPES.has(request.contentType.toLowerCase())) {
    throw new ChatError('bad_request', `contentType: ${request.contentType} may not be uploaded`);
  }
  if (request.size > limits.maxUploadBytes) {
    throw new ChatError(
      'payload_too_large',
      `size: files are at most ${limits.maxUploadBytes} bytes`,
    );
  }
}

/** The port, or `unavailable` when this deployment has no object storage configured. */
export function fileStoreOf(deps: Pick<ChatDeps, 'files'>): FileStore {
  if (!deps.files) throw new ChatError('unavailable', 'File uploads are not configured');
  return deps.files;
}

/**
 * What a send may attach: each upload is HEADed (all at once) and must exist under this
 * room's prefix, have been signed for this room and this sender, and be of a size and type
 * the limits allow. Any failure is `bad_request` naming the upload id, before anything is
 * stored.
 */
export async function checkAttachments(
  deps: Pick<ChatDeps, 'files' | 'limits'>,
  roomId: string,
  senderId: string,
  uploadIds: readonly string[],
): Promise<StoredAttachment[]> {
  const files = fileStoreOf(deps);
  const stats = await Promise.all(uploadIds.map((id) => files.statUpload(uploadKey(roomId, id))));
  return uploadIds.map((id, i) => {
    const stat = stats[i];
    const refuse = (why: string) => new ChatError('bad_request', `attachments: ${id} ${why}`);
    if (!stat) throw refuse(`is not an upload in ${roomId}`);
    if (stat.roomId !== roomId || stat.uploaderId !== senderId) {
      throw refuse('is not your upload to this room');
    }
    if (stat.fileName === undefined || stat.size > deps.limits.maxUploadBytes) {
      throw refuse('is not an upload this server signed');
    }
    if (!UPLOAD_CONTENT_TYPES.has(stat.contentType.toLowerCase())) {
      throw refuse(`has a type that may not be attached (${stat.contentType})`);
    }
    return { id, fileName: stat.fileName, contentType: stat.contentType, size: stat.size };
  });
}

/**
 * The record's attachment with empty links: what the stores hand the core. Links are made
 * per serving (`linkMessage`), never stored, since they expire.
 */
export function unlinked(record: StoredAttachment): Attachment {
  return {
    id: record.id,
    fileName: record.fileName,
    contentType: record.contentType,
    size: record.size,
    url: '',
  };
}

/** The fields the record keeps of an attachment, in a fixed order. */
export function storedAttachment(a: StoredAttachment): StoredAttachment {
  return { id: a.id, fileName: a.fileName, contentType: a.contentType, size: a.size };
}

async function linkAttachment(
  files: FileStore,
  seconds: number,
  roomId: string,
  a: Attachment,
): Promise<Attachment> {
  const wantsThumbnail = THUMBNAIL_TYPES.has(a.contentType.toLowerCase());
  const [url, thumbnailUrl] = await Promise.all([
    files.downloadUrl(uploadKey(roomId, a.id), seconds),
    wantsThumbnail ? files.downloadUrl(thumbnailKey(roomId, a.id), seconds) : undefined,
  ]);
  const linked: Attachment = { ...storedAttachment(a), url: fits(url) ? url : '' };
  if (thumbnailUrl !== undefined && fits(thumbnailUrl)) linked.thumbnailUrl = thumbnailUrl;
  return linked;
}

/** ASCII links: their length is their weight in bytes. */
const fits = (url: string) => url.length <= ATTACHMENT_URL_MAX_BYTES;

/**
 * The message as a reader gets it: each attachment with fresh signed links (and a
 * thumbnail's for images). A message without attachments is returned as it is, at no cost.
 */
export async function linkMessage(
  deps: Pick<ChatDeps, 'files' | 'limits'>,
  message: Message,
): Promise<Message> {
  const { attachments } = message;
  if (!attachments?.length || !deps.files) return message;
  const files = deps.files;
  const seconds = deps.limits.downloadUrlSeconds;
  return {
    ...message,
    attachments: await Promise.all(
      attachments.map((a) => linkAttachment(files, seconds, message.roomId, a)),
    ),
  };
}

/** `linkMessage` over a page. */
export function linkMessages(
  deps: Pick<ChatDeps, 'files' | 'limits'>,
  messages: Message[],
): Promise<Message[]> | Message[] {
  if (!deps.files || !messages.some((m) => m.attachments?.length)) return messages;
  return Promise.all(messages.map((m) => linkMessage(deps, m)));
}
