/**
 * The scheduled retention purge (an EventBridge rule, hourly: lib/parley-stack.ts). Each
 * run purges what has aged out since the last, in batches, and stops taking new batches
 * before the timeout: the next run resumes where the record says (a room's first seq). A
 * failure fails the invocation, so the function's error alarm hears of it.
 */
import type { Context } from 'aws-lambda';
import { type PurgeReport, purgeExpiredMessages } from './core/retention-purge.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { chatLogger, logger } from './runtime/logger.js';
import type { HandlerWiring } from './runtime/wiring.js';
import { PostgresRetentionStore } from './stores/postgres/retention-store.js';

/** Messages one batch (one transaction) deletes: a send waits on the room row for one. */
export const PURGE_BATCH_SIZE = 1000;
/** Kept at the end of the invocation: no batch starts inside it. */
const RESERVE_MS = 30_000;

export function makeRetentionPurgeHandler(wiring: Pick<HandlerWiring, 'runtime'>) {
  return async (_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>) => {
    const runtime = await wiring.runtime();
    const report: PurgeReport = await purgeExpiredMessages(
      { store: new PostgresRetentionStore(runtime.pool), cache: runtime.cache, log: chatLogger },
      {
        nowMs: Date.now(),
        batchSize: PURGE_BATCH_SIZE,
        shouldStop: () => context.getRemainingTimeInMillis() < RESERVE_MS,
      },
    );
    logger.info('retention purge done', {
      roomsChecked: report.roomsChecked,
      roomsPurged: report.purged.length,
      deleted: report.purged.reduce((sum, r) => sum + r.deleted, 0),
      stopped: report.stopped,
    });
    return report;
  };
}

export const handler = makeRetentionPurgeHandler(lambdaWiring());
