/**
 * The retention purge: for each room with `retentionDays`, deletes the messages past it
 * in batches of at most `batchSize`, oldest first, raising the room's first seq with each
 * batch, then drops the room's cached window so no cache serves a purged message. Runs on
 * a schedule (functions/retention-purge.ts on AWS, `npm run purge` locally).
 */

import type { ChatLogger, RetentionStore, RoomCache } from './ports.js';
import { planPurgeBatch, retentionCutoff } from './retention.js';

export interface PurgeOptions {
  nowMs: number;
  /** Messages one batch (one transaction) deletes at most. */
  batchSize: number;
  /** Rooms read per page of the room list. */
  roomPage?: number;
  /** Asked before each batch: true stops the run (a Lambda near its timeout); the next run resumes. */
  shouldStop?: () => boolean;
}

export interface RoomPurge {
  roomId: string;
  deleted: number;
  /** The room's first seq after the run. */
  firstSeq: number;
}

export interface PurgeReport {
  roomsChecked: number;
  purged: RoomPurge[];
  /** The run stopped before it had checked every room. */
  stopped: boolean;
}

export interface PurgeDeps {
  store: RetentionStore;
  cache: Pick<RoomCache, 'forgetRecentMessages'>;
  log: ChatLogger;
}

export async function purgeExpiredMessages(
  deps: PurgeDeps,
  options: PurgeOptions,
): Promise<PurgeReport> {
  const report: PurgeReport = { roomsChecked: 0, purged: [], stopped: false };
  const stop = options.shouldStop ?? (() => false);
  let after = '';
  for (;;) {
    const rooms = await deps.store.roomsWithRetention(after, options.roomPage ?? 100);
    for (const room of rooms) {
      if (stop()) return { ...report, stopped: true };
      report.roomsChecked++;
      const cutoffMs = retentionCutoff(options.nowMs, room.retentionDays);
      const purged = await purgeRoom(deps, room.roomId, cutoffMs, options.batchSize, stop);
      if (purged) report.purged.push(purged);
    }
    const last = rooms.at(-1);
    if (!last) return report;
    after = last.roomId;
  }
}

async function purgeRoom(
  deps: PurgeDeps,
  roomId: string,
  cutoffMs: number,
  batchSize: number,
  stop: () => boolean,
): Promise<RoomPurge | undefined> {
  let deleted = 0;
  let firstSeq: number | undefined;
  try {
    for (;;) {
      const step = planPurgeBatch(
        await deps.store.oldestMessages(roomId, batchSize),
        cutoffMs,
        batchSize,
      );
      if (!step) break;
      deleted += await deps.store.purgeBelow(roomId, step.firstSeq);
      firstSeq = step.firstSeq;
      if (!step.more || stop()) break;
    }
  } finally {
    // After each room, even one a failure cut short: a batch that committed must not stay
    // readable from the cache. A cache that cannot be told fails the run (the operator or
    // the alarm hears of it; the next run purges nothing new there, so it says so again
    // only while the cache is down): better loud than a purged message served quietly.
    if (firstSeq !== undefined) {
      deps.log.info('purged', { roomId, deleted, firstSeq });
      await deps.cache.forgetRecentMessages(roomId);
    }
  }
  return firstSeq === undefined ? undefined : { roomId, deleted, firstSeq };
}
