/**
 * Client frames: parsing and validation. Every way a frame can be wrong ends in a
 * `ChatError` with `bad_request`, `unknown_action` or `payload_too_large`, never a throw of
 * anything else, so a bad frame can only ever earn an `error` reply.
 */
// zod/mini: the same validation as `zod` in a fraction of the bundle (the full build cannot
// be tree-shaken), which is cold-start time on Lambda (docs/decisions/2026-12-06-bundles.md).
import * as z from 'zod/mini';
import { ChatError } from './errors.js';
import { attachmentIds, FILE_SCHEMAS } from './file-frames.js';
import { limit, roomId, seq, storable } from './frame-fields.js';
import { type ChatLimits, ID_MAX_CHARS } from './limits.js';
import { PRESENCE_SCHEMAS, REACTION_SCHEMAS, READ_SCHEMAS } from './live-frames.js';
import { ROOM_SCHEMAS } from './room-frames.js';
import { SEARCH_SCHEMAS } from './search-frames.js';

export const ACTIONS = [
  'join_room',
  'leave_room',
  'send_message',
  'get_history',
  'edit_message',
  'delete_message',
  ...(Object.keys(ROOM_SCHEMAS) as (keyof typeof ROOM_SCHEMAS)[]),
  ...(Object.keys(READ_SCHEMAS) as (keyof typeof READ_SCHEMAS)[]),
  ...(Object.keys(REACTION_SCHEMAS) as (keyof typeof REACTION_SCHEMAS)[]),
  ...(Object.keys(PRESENCE_SCHEMAS) as (keyof typeof PRESENCE_SCHEMAS)[]),
  ...(Object.keys(SEARCH_SCHEMAS) as (keyof typeof SEARCH_SCHEMAS)[]),
  ...(Object.keys(FILE_SCHEMAS) as (keyof typeof FILE_SCHEMAS)[]),
] as const;
export type Action = (typeof ACTIONS)[number];

export const joinRoomSchema = z.object({
  roomId,
  since: z.optional(seq),
  limit: z.optional(limit),
});
export const leaveRoomSchema = z.object({ roomId });
export const getHistorySchema = z
  .object({ roomId, before: z.optional(seq), after: z.optional(seq), limit: z.optional(limit) })
  .check(
    z.refine((f) => f.before === undefined || f.after === undefined, {
      message: 'before and after cannot both be set',
    }),
  );
/** A message's text: never empty (an edit's), unless a send carries attachments. */
const content = z
  .string({ error: 'content must be a string' })
  .check(z.minLength(1, 'content must not be empty'), storable);

export const sendMessageSchema = z
  .object({
    roomId,
    content: z.string({ error: 'content must be a string' }).check(storable),
    clientMsgId: z.optional(
      z.string({ error: 'must be a string' }).check(
        z.minLength(1, 'must not be empty'),
        z.refine((id) => countCharacters(id) <= ID_MAX_CHARS, `at most ${ID_MAX_CHARS} characters`),
        storable,
      ),
    ),
    /** The seq of a message in the same room that this one replies to (protocol v2). */
    replyTo: z.optional(seq.check(z.minimum(1, 'must be at least 1'))),
    /** Upload ids from `request_upload` whose objects this message carries (protocol v2). */
    attachments: z.optional(attachmentIds),
  })
  .check(
    // A file alone is a message (protocol v2, "Files"); text alone or both, as before.
    z.refine((f) => f.content.length > 0 || (f.attachments?.length ?? 0) > 0, {
      message: 'content must not be empty',
      path: ['content'],
    }),
  );

export const editMessageSchema = z.object({
  roomId,
  seq: seq.check(z.minimum(1, 'must be at least 1')),
  content,
});
export const deleteMessageSchema = z.object({
  roomId,
  seq: seq.check(z.minimum(1, 'must be at least 1')),
});

export type JoinRoomRequest = z.infer<typeof joinRoomSchema>;
export type LeaveRoomRequest = z.infer<typeof leaveRoomSchema>;
export type GetHistoryRequest = z.infer<typeof getHistorySchema>;
export type SendMessageRequest = z.infer<typeof sendMessageSchema>;
export type EditMessageRequest = z.infer<typeof editMessageSchema>;
export type DeleteMessageRequest = z.infer<typeof deleteMessageSchema>;

export type RequestSchemas = {
  join_room: typeof joinRoomSchema;
  leave_room: typeof leaveRoomSchema;
  get_history: typeof getHistorySchema;
  send_message: typeof sendMessageSchema;
  edit_message: typeof editMessageSchema;
  delete_message: typeof deleteMessageSchema;
} & typeof ROOM_SCHEMAS &
  typeof READ_SCHEMAS &
  typeof REACTION_SCHEMAS &
  typeof PRESENCE_SCHEMAS &
  typeof SEARCH_SCHEMAS &
  typeof FILE_SCHEMAS;

export const REQUEST_SCHEMAS: RequestSchemas = {
  join_room: joinRoomSchema,
  leave_room: leaveRoomSchema,
  get_history: getHistorySchema,
  send_message: sendMessageSchema,
  edit_message: editMessageSchema,
  delete_message: deleteMessageSchema,
  ...ROOM_SCHEMAS,
  ...READ_SCHEMAS,
  ...REACTION_SCHEMAS,
  ...PRESENCE_SCHEMAS,
  ...SEARCH_SCHEMAS,
  ...FILE_SCHEMAS,
};

/** A frame that parsed as a JSON object, with its correlation id if it had a valid one. */
export interface RawFrame {
  fields: Record<string, unknown>;
  requestId?: string;
}

/**
 * Parses a frame's text into a JSON object. The `requestId` is picked out first, so even
 * a frame rejected for another reason gets its error correlated.
 */
export function parseFrame(body: string | undefined): RawFrame {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    throw new ChatError('bad_request', 'Frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ChatError('bad_request', 'Frame must be a JSON object');
  }
  const fields = value as Record<string, unknown>;
  const requestId = fields.requestId;
  if (requestId === undefined) return { fields };
  if (typeof requestId !== 'string' || countCharacters(requestId) > ID_MAX_CHARS) {
    throw new ChatError(
      'bad_request',
      `requestId must be a string of at most ${ID_MAX_CHARS} characters`,
    );
  }
  return { fields, requestId };
}

/** The requestId of a frame, when it has a valid one; used to correlate error replies. */
export function peekRequestId(body: string | undefined): string | undefined {
  try {
    return parseFrame(body).requestId;
  } catch {
    return undefined;
  }
}

/** Validates a parsed frame against its action's schema and the message length limit. */
export function validateRequest<A extends Action>(
  action: A,
  frame: RawFrame,
  limits: ChatLimits,
): z.infer<RequestSchemas[A]> {
  const result = REQUEST_SCHEMAS[action].safeParse(frame.fields);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const detail = issue?.message ?? 'invalid frame';
    throw new ChatError('bad_request', path ? `${path}: ${detail}` : detail);
  }
  const request = result.data as z.infer<RequestSchemas[A]>;
  if (action === 'send_message' || action === 'edit_message') {
    const { content } = request as SendMessageRequest;
    if (countCharacters(content) > limits.maxMessageChars) {
      throw new ChatError(
        'payload_too_large',
        `content is longer than ${limits.maxMessageChars} characters`,
      );
    }
  }
  return request;
}

/** Counts Unicode code points, so an emoji is one character, not two UTF-16 units. */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
