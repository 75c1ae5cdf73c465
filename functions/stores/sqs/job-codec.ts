/**
 * Fan-out jobs as SQS message bodies. Connections travel as `[connectionId, userId]`
 * pairs: a slice of 100 takes ~10 KB instead of ~16 KB as objects. Their frame format is
 * not kept: a job's frame is already written in the one format all its connections read
 * (core/fanout.ts slices each format apart). A body is checked
 * when it is read back, so a malformed message fails its own record (and, retried,
 * reaches the dead-letter queue) instead of posting nonsense.
 */
import * as z from 'zod/mini';
import type { FanoutJob } from '../../core/ports.js';

/** Bumped when the shape changes; a worker refuses versions it does not know. */
const VERSION = 1;

const bodySchema = z.discriminatedUnion('kind', [
  z.object({
    v: z.literal(VERSION),
    kind: z.literal('deliver'),
    roomId: z.string(),
    frame: z.string(),
    to: z.array(z.tuple([z.string(), z.string()])),
    attempt: z.number().check(z.int(), z.minimum(0)),
  }),
  z.object({ v: z.literal(VERSION), kind: z.literal('presence_count'), roomId: z.string() }),
]);

export function encodeJob(job: FanoutJob): string {
  if (job.kind === 'presence_count') {
    return JSON.stringify({ v: VERSION, kind: job.kind, roomId: job.roomId });
  }
  return JSON.stringify({
    v: VERSION,
    kind: job.kind,
    roomId: job.roomId,
    frame: job.frame,
    to: job.to.map((c) => [c.connectionId, c.userId]),
    attempt: job.attempt,
  });
}

/** Throws on a body that is not a job of this version. */
export function decodeJob(body: string): FanoutJob {
  const parsed = bodySchema.parse(JSON.parse(body));
  if (parsed.kind === 'presence_count') return { kind: 'presence_count', roomId: parsed.roomId };
  return {
    kind: 'deliver',
    roomId: parsed.roomId,
    frame: parsed.frame,
    to: parsed.to.map(([connectionId, userId]) => ({ connectionId, userId })),
    attempt: parsed.attempt,
  };
}
