/**
 * Delivery to a room's connections. A small audience is posted by the invocation that
 * made the frame; a big one is cut into slices for the fan-out queue's workers, because
 * one invocation cannot post to thousands within its timeout (docs/capacity.md). Posts
 * that may pass later (throttled, timed out) go to the queue too, with a delay: every
 * post ends delivered, gone (410, cleaned up) or dead-lettered, never dropped.
 */
import { QueueRefusedError } from './errors.js';
import { byFormat, serializeFrame } from './frame-format.js';
import { dropConnection } from './membership.js';
import type { RoomConnection } from './message.js';
import type { BroadcastResult, ChatDeps, DeliveryJob } from './ports.js';
import type { ServerFrame } from './server-frames.js';

export interface DeliverOptions {
  /** Clean up gone connections (and announce their users offline). Off inside a clean-up. */
  cleanUpGone?: boolean;
}

/**
 * Sends one frame to connections of `roomId`; any found gone are removed everywhere. The
 * frame is serialised once per format the audience reads (frame-format.ts), and each
 * format's connections get their own posts and slices.
 */
export async function deliver(
  deps: ChatDeps,
  roomId: string,
  to: readonly RoomConnection[],
  frame: ServerFrame,
  options: DeliverOptions = {},
): Promise<void> {
  if (to.length === 0) return;
  const groups = byFormat(to).map(([format, group]) => ({
    data: serializeFrame(frame, format),
    group,
  }));
  if (to.length > deps.limits.inlineFanoutMax) {
    await handOver(
      deps,
      groups.flatMap(({ data, group }) => slices(deps, roomId, data, group)),
      0,
    );
    return;
  }
  const outcomes = await Promise.all(
    groups.map(async ({ data, group }) => {
      const result = await deps.sender.broadcast(
        group.map((c) => c.connectionId),
        data,
      );
      return { data, outcome: sortOutcome(group, result) };
    }),
  );
  const gone = outcomes.flatMap(({ outcome }) => outcome.gone);
  const retries: DeliveryJob[] = outcomes
    .filter(({ outcome }) => outcome.retry.length > 0)
    .map(({ data, outcome }) => ({
      kind: 'deliver',
      roomId,
      frame: data,
      to: outcome.retry,
      attempt: 1,
    }));
  await Promise.all([
    options.cleanUpGone === false ? undefined : cleanUpGone(deps, roomId, gone),
    retries.length === 0 ? undefined : handOver(deps, retries),
  ]);
}

/** A slice per `fanoutSliceSize` connections, each a fresh delivery job. */
export function slices(
  deps: ChatDeps,
  roomId: string,
  frame: string,
  to: readonly RoomConnection[],
): DeliveryJob[] {
  const size = deps.limits.fanoutSliceSize;
  const jobs: DeliveryJob[] = [];
  for (let i = 0; i < to.length; i += size) {
    jobs.push({ kind: 'deliver', roomId, frame, to: to.slice(i, i + size), attempt: 0 });
  }
  return jobs;
}

/**
 * How long a job waits before its next try: 1, 2, 4, 8... s, capped at a minute, with
 * up to half of it random, so a throttled burst does not come back as one burst.
 */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number {
  if (attempt <= 0) return 0;
  const base = Math.min(60, 2 ** (attempt - 1));
  return Math.ceil(base * (0.5 + random() / 2));
}

/**
 * Queues delivery jobs, with the delay their attempt earns. A queue that refuses them is
 * logged with what it cost (nothing else can take the posts then); it does not fail the
 * request whose frame it was, which has already been answered.
 */
export async function handOver(
  deps: ChatDeps,
  jobs: readonly DeliveryJob[],
  attempt = jobs[0]?.attempt ?? 0,
): Promise<void> {
  if (jobs.length === 0) return;
  try {
    await deps.queue.enqueue(jobs, { delaySeconds: retryDelaySeconds(attempt) });
  } catch (error) {
    // The queue says which jobs it did not take (the rest are queued); anything else it
    // throws took none.
    const lost = error instanceof QueueRefusedError ? error.notQueued : jobs;
    deps.log.error('fan-out queue refused deliveries: these posts are lost', {
      roomId: jobs[0]?.roomId,
      undelivered: lost.reduce((n, job) => n + (job.kind === 'deliver' ? job.to.length : 0), 0),
      error: String(error),
    });
  }
}

export interface SortedOutcome {
  gone: RoomConnection[];
  retry: RoomConnection[];
}

/** The connections of `to` a broadcast found gone, and those to try again. */
export function sortOutcome(to: readonly RoomConnection[], result: BroadcastResult): SortedOutcome {
  if (result.gone.length === 0 && result.retry.length === 0) return { gone: [], retry: [] };
  const gone = new Set(result.gone);
  const retry = new Set(result.retry);
  return {
    gone: to.filter((c) => gone.has(c.connectionId)),
    retry: to.filter((c) => retry.has(c.connectionId)),
  };
}

/** Removes connections a post found gone (410), each from everywhere. */
export async function cleanUpGone(
  deps: ChatDeps,
  roomId: string,
  gone: readonly RoomConnection[],
): Promise<void> {
  await Promise.all(
    gone.map((c) =>
      dropConnection(deps, c.connectionId, {
        cleanUpGone: false,
        seenIn: { roomId, ...c },
      }).catch((error: unknown) => {
        deps.log.warn('could not clean up a gone connection', {
          connectionId: c.connectionId,
          error: String(error),
        });
      }),
    ),
  );
}
