/**
 * The field schemas every client frame shares (room ids, seqs, page limits, storable text):
 * one definition each, so v1's frames (frames.ts) and v2's room frames (room-frames.ts)
 * refuse the same values with the same words.
 */
import * as z from 'zod/mini';
import { HISTORY_MAX_LIMIT, ROOM_ID_PATTERN } from './limits.js';
import { unstorableReason } from './storable-text.js';

export const roomId = z
  .string({ error: 'roomId must be a string' })
  .check(z.regex(ROOM_ID_PATTERN, 'roomId must match ^[A-Za-z0-9_-]{1,64}$'));

export const seq = z
  .number({ error: 'must be a number' })
  .check(z.int('must be an integer'), z.minimum(0, 'must be at least 0'));

export const limit = z
  .number({ error: 'must be a number' })
  .check(
    z.int('must be an integer'),
    z.minimum(1, 'must be at least 1'),
    z.maximum(HISTORY_MAX_LIMIT, `must be at most ${HISTORY_MAX_LIMIT}`),
  );

/**
 * Text the stores cannot keep exactly as sent (a NUL, a lone surrogate: see
 * storable-text.ts) is refused here, with the reason, rather than changed or refused by SQL.
 */
export const storable = z.superRefine((text: string, ctx) => {
  const reason = unstorableReason(text);
  if (reason) ctx.issues.push({ code: 'custom', message: reason, input: text });
});

/** At most `max` characters (code points, so an emoji is one). */
export const chars = (max: number) =>
  z.refine<string>((text) => [...text].length <= max, `at most ${max} characters`);
