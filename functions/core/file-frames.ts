/**
 * Client frames of protocol v2's files: `request_upload`, and the `attachments` a
 * `send_message` names (upload ids). frames.ts adds the group to the one table of actions
 * once its route exists.
 */
import * as z from 'zod/mini';
import { chars, roomId, storable } from './frame-fields.js';

/** Files one message may carry (Slack and Discord allow 10). */
export const MAX_ATTACHMENTS = 10;
/** Longest file name, in characters (most file systems stop at 255 bytes). */
export const FILE_NAME_MAX_CHARS = 255;
/** A MIME type as `type/subtype`, no parameters: what S3 stores and a browser sends. */
export const CONTENT_TYPE_PATTERN =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
/** Upload ids are UUIDs the server made (`request_upload`). */
export const UPLOAD_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const uploadId = z
  .string({ error: 'must be a string' })
  .check(z.regex(UPLOAD_ID_PATTERN, 'must be an upload id from request_upload'));

export const attachmentIds = z
  .array(uploadId, { error: 'attachments must be an array of upload ids' })
  .check(
    z.minLength(1, 'must not be empty'),
    z.maxLength(MAX_ATTACHMENTS, `at most ${MAX_ATTACHMENTS} files`),
    z.refine((ids) => new Set(ids).size === ids.length, 'must not repeat an upload id'),
  );

export const requestUploadSchema = z.object({
  roomId,
  fileName: z.string({ error: 'fileName must be a string' }).check(
    z.refine((name) => name.trim().length > 0, 'must not be empty'),
    chars(FILE_NAME_MAX_CHARS),
    z.refine((name) => !/[/\\]/.test(name), 'must be a name, not a path'),
    storable,
  ),
  contentType: z
    .string({ error: 'contentType must be a string' })
    .check(z.regex(CONTENT_TYPE_PATTERN, 'must be a MIME type such as image/png')),
  size: z
    .number({ error: 'must be a number' })
    .check(z.int('must be an integer'), z.minimum(1, 'must be at least 1')),
});

export type RequestUploadRequest = z.infer<typeof requestUploadSchema>;

/** Files: signing an upload; `send_message` checks what it names. */
export const FILE_SCHEMAS = { request_upload: requestUploadSchema } as const;
