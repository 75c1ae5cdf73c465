/**
 * Erases one user on AWS: invoked directly by an operator (`aws lambda invoke`, see
 * docs/deploy.md), never by a route. The payload is `{ "userId": "...", "actorId"?: "...",
 * "from"?: { "roomId": "...", "seq": n } }`; the answer is the run's report. A run stops
 * before the timeout with `done: false` and `resumeFrom`: invoke again with that as `from`.
 */
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { type EraseReport, eraseUser } from './maintenance/erase-user.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { logger } from './runtime/logger.js';
import type { HandlerWiring } from './runtime/wiring.js';
import { PostgresErasureStore } from './stores/postgres/erasure-store.js';

/** Messages (of anyone) one statement scans while looking for the user's. */
export const ERASE_CHUNK_ROWS = 10_000;
/** Kept at the end of the invocation: no chunk starts inside it. */
const RESERVE_MS = 60_000;

const id = () => z.string().check(z.minLength(1), z.maxLength(255));
const EraseRequest = z.object({
  userId: id(),
  actorId: z._default(id(), 'operator'),
  from: z.optional(z.object({ roomId: z.string(), seq: z.int().check(z.nonnegative()) })),
});

export function makeEraseUserHandler(wiring: Pick<HandlerWiring, 'runtime'>) {
  return async (
    event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<EraseReport> => {
    const parsed = EraseRequest.safeParse(event);
    if (!parsed.success) {
      throw new Error(`bad payload: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`);
    }
    const { userId, actorId, from } = parsed.data;
    const runtime = await wiring.runtime();
    if (!runtime.files) {
      logger.warn('erase-user: no object storage configured (S3_BUCKET unset), files kept', {
        userId,
      });
    }
    const report = await eraseUser(
      {
        store: new PostgresErasureStore(runtime.pool),
        cache: runtime.cache,
        connections: runtime.connections,
        presence: runtime.presence,
        ...(runtime.files ? { files: runtime.files } : {}),
      },
      userId,
      {
        actorId,
        chunkRows: ERASE_CHUNK_ROWS,
        ...(from ? { from } : {}),
        shouldStop: () => context.getRemainingTimeInMillis() < RESERVE_MS,
      },
    );
    logger.info('erase-user run', {
      userId,
      actorId,
      done: report.done,
      messagesErased: report.messagesErased,
      attachmentsErased: report.attachmentsErased,
      objectsDeleted: report.objectsDeleted,
      roomsLeft: report.memberships.left.length,
    });
    return report;
  };
}

export const handler = makeEraseUserHandler(lambdaWiring());
