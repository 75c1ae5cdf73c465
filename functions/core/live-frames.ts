/**
 * Client frames of protocol v2's "Read state, typing, presence" and of reactions and
 * threads ("Messages"): their schemas, in three groups, one per concept, which frames.ts
 * adds to the one table of actions as each concept's routes exist.
 */
import * as z from 'zod/mini';
import { chars, limit, roomId, seq, storable } from './frame-fields.js';

/** Longest status text, in characters (Slack allows 100). */
export const STATUS_TEXT_MAX_CHARS = 100;
/** Longest reaction, in characters: an emoji of several code points, or `:custom_name:`. */
export const EMOJI_MAX_CHARS = 32;

const positiveSeq = seq.check(z.minimum(1, 'must be at least 1'));

export const markReadSchema = z.object({ roomId, seq });

export const typingSchema = z.object({
  roomId,
  state: z.enum(['start', 'stop'], { error: 'must be start or stop' }),
});
export const setStatusSchema = z.object({
  status: z.enum(['online', 'away', 'dnd'], { error: 'must be online, away or dnd' }),
  text: z.optional(
    z.string({ error: 'text must be a string' }).check(chars(STATUS_TEXT_MAX_CHARS), storable),
  ),
});
export const getPresenceSchema = z.object({ roomId });
export const pingSchema = z.object({});

export const reactSchema = z.object({
  roomId,
  seq: positiveSeq,
  emoji: z
    .string({ error: 'emoji must be a string' })
    .check(
      z.minLength(1, 'must not be empty'),
      chars(EMOJI_MAX_CHARS),
      z.regex(/^\S+$/u, 'must not contain spaces'),
      storable,
    ),
  on: z.boolean({ error: 'must be true or false' }),
});
export const getThreadSchema = z.object({
  roomId,
  seq: positiveSeq,
  after: z.optional(seq),
  limit: z.optional(limit),
});

export type MarkReadRequest = z.infer<typeof markReadSchema>;
export type TypingRequest = z.infer<typeof typingSchema>;
export type SetStatusRequest = z.infer<typeof setStatusSchema>;
export type GetPresenceRequest = z.infer<typeof getPresenceSchema>;
export type PingRequest = z.infer<typeof pingSchema>;
export type ReactRequest = z.infer<typeof reactSchema>;
export type GetThreadRequest = z.infer<typeof getThreadSchema>;

/** Read state: the member's cursor in a room. */
export const READ_SCHEMAS = { mark_read: markReadSchema } as const;
/** Typing and presence: nothing of them is in the record. */
export const PRESENCE_SCHEMAS = {
  typing: typingSchema,
  set_status: setStatusSchema,
  get_presence: getPresenceSchema,
  ping: pingSchema,
} as const;
/** Reactions and threads: what readers add to messages. */
export const REACTION_SCHEMAS = { react: reactSchema, get_thread: getThreadSchema } as const;
