/**
 * Retention (protocol v2, "Retention and erasure"): a room with `retentionDays` loses its
 * messages older than that many days. Pure: which seqs one bounded batch may delete, when
 * "older" starts, and what a history reply says about where history starts. The purge
 * itself runs in `retention-purge.ts` over the `RetentionStore` port.
 */

const DAY_MS = 86_400_000;

/** Messages created before this instant are past the room's retention. */
export function retentionCutoff(nowMs: number, retentionDays: number): number {
  return nowMs - retentionDays * DAY_MS;
}

/** One of a room's oldest kept messages, as the purge reads them. */
export interface AgedSeq {
  seq: number;
  /** Epoch milliseconds. */
  createdAtMs: number;
}

export interface PurgeStep {
  /** The room's new first seq: every message below it goes, none at or above it. */
  firstSeq: number;
  /** Older messages may remain past this batch (it was all old and full). */
  more: boolean;
}

/**
 * What one batch may purge, given the room's oldest kept messages (ascending, at most
 * `batchSize`) and the cutoff: the longest run from the oldest that is past the cutoff.
 * Only a prefix ever goes, so history stays gap-free from the new first seq; a message past
 * the cutoff behind a younger one (seqs and clocks can disagree by a commit's width) waits
 * for the next run. Undefined when nothing may go.
 */
export function planPurgeBatch(
  oldest: readonly AgedSeq[],
  cutoffMs: number,
  batchSize: number,
): PurgeStep | undefined {
  const keepAt = oldest.findIndex((m) => m.createdAtMs >= cutoffMs);
  if (keepAt === 0 || oldest.length === 0) return undefined;
  if (keepAt > 0) return { firstSeq: oldest[keepAt]!.seq, more: false };
  return { firstSeq: oldest.at(-1)!.seq + 1, more: oldest.length >= batchSize };
}

/**
 * The `firstSeq` field of a `room_history` reply: present only once a purge has moved the
 * room's history start above 1, so replies in rooms that never purged are unchanged.
 */
export function historyStart(firstSeq: number | undefined): { firstSeq?: number } {
  return firstSeq !== undefined && firstSeq > 1 ? { firstSeq } : {};
}
