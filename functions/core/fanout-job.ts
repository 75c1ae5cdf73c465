/**
 * What a fan-out worker does with one job from the queue: post a slice of a room's
 * audience at the pace it is allotted, retry what may pass later while its invocation
 * has time, and hand the rest back to the queue (with a backoff) or, after
 * `deliveryMaxAttempts` failed tries, to the dead-letter queue. A job is never dropped.
 */
import { cleanUpGone, retryDelaySeconds, sortOutcome } from './fanout.js';
import type { RoomConnection } from './message.js';
import type { BroadcastResult, ChatDeps, DeliveryJob, FanoutJob } from './ports.js';
import { sendPresenceCount } from './presence.js';

export interface JobBudget {
  /**
   * Posts this invocation may start per second: its share of the account's request
   * quota, which every API and PostToConnection in the region draws from.
   */
  postsPerSecond: number;
  /** Milliseconds left before the invocation's timeout. */
  remainingMs: () => number;
  /** No post starts later than this long before the timeout: the rest is handed back. */
  reserveMs: number;
  /** Tries of the throttled or failed posts within this invocation, after the first. */
  retriesInInvocation?: number;
  /** Defaults to a timer; tests pass their own. */
  sleep?: (ms: number) => Promise<void>;
  /** Defaults to Date.now. */
  now?: () => number;
}

export interface JobOutcome {
  posted: number;
  gone: number;
  /** Posts that cannot succeed as sent (413, 403): logged by the sender. */
  failed: number;
  /** Connections that left the room after the frame was made: not posted to. */
  left: number;
  /** Posts handed back to the queue to try later. */
  requeued: number;
  /** Posts parked in the dead-letter queue. */
  deadLettered: number;
}

const RETRY_WAITS_MS = [100, 400, 1_600];
/** Left for the worker to answer after a hand-back that gave up. */
const HAND_BACK_MARGIN_MS = 100;
/** Posts are started in chunks this many times a second, to keep to the pace. */
const CHUNKS_PER_SECOND = 20;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runFanoutJob(
  deps: ChatDeps,
  job: FanoutJob,
  budget: JobBudget,
): Promise<JobOutcome> {
  if (job.kind === 'presence_count') {
    await sendPresenceCount(deps, job.roomId);
    return { posted: 0, gone: 0, failed: 0, left: 0, requeued: 0, deadLettered: 0 };
  }
  return runDelivery(deps, job, budget);
}

async function runDelivery(
  deps: ChatDeps,
  job: DeliveryJob,
  budget: JobBudget,
): Promise<JobOutcome> {
  const sleep = budget.sleep ?? defaultSleep;
  const retries = budget.retriesInInvocation ?? RETRY_WAITS_MS.length;
  const outcome: JobOutcome = {
    posted: 0,
    gone: 0,
    failed: 0,
    left: 0,
    requeued: 0,
    deadLettered: 0,
  };
  let pending = await stillInRoom(deps, job);
  outcome.left = job.to.length - pending.length;
  const gone: RoomConnection[] = [];
  let failedTry = false;
  for (let round = 0; pending.length > 0; round++) {
    if (round > 0) {
      const wait = RETRY_WAITS_MS[Math.min(round - 1, RETRY_WAITS_MS.length - 1)] ?? 0;
      if (round > retries || budget.remainingMs() - wait < budget.reserveMs) break;
      await sleep(wait);
    }
    const paced = await pacedBroadcast(deps, pending, job.frame, budget, sleep);
    gone.push(...paced.gone);
    outcome.posted += paced.posted;
    outcome.failed += paced.failed;
    if (paced.retry.length > 0) failedTry = true;
    pending = [...paced.retry, ...paced.notStarted];
    if (paced.notStarted.length > 0 || paced.cutShort) break; // out of time
  }
  outcome.gone = gone.length;
  if (pending.length > 0) await handBack(deps, job, pending, failedTry, outcome, budget);
  // The clean-up comes after the hand-back, and only with time to spare: an invocation
  // that Lambda ends would bring the whole job back. A connection left listed is found
  // gone again by a later post.
  if (budget.remainingMs() > budget.reserveMs / 3) await cleanUpGone(deps, job.roomId, gone);
  else if (gone.length > 0) deps.log.warn('gone connections left for later', { gone: gone.length });
  return outcome;
}

/**
 * The job's connections that are still in the room: a slice runs up to seconds after its
 * frame was made (a retry, much later), and a connection that has left the room since
 * must not get its frames (protocol.md, Scope). On a cache miss or failure all of them: a
 * post to one that left is the lesser harm than one missed.
 */
async function stillInRoom(deps: ChatDeps, job: DeliveryJob): Promise<RoomConnection[]> {
  try {
    const ids = job.to.map((c) => c.connectionId);
    const members = await deps.cache.membersOf(job.roomId, ids);
    return members ? job.to.filter((c) => members.has(c.connectionId)) : job.to;
  } catch (error) {
    deps.log.warn('could not check a slice against the room; posting to all of it', {
      roomId: job.roomId,
      error: String(error),
    });
    return job.to;
  }
}

/**
 * Hands what is still owed back to the queue (with a backoff when a try failed), or after
 * `deliveryMaxAttempts` failed tries to the dead-letter queue.
 */
async function handBack(
  deps: ChatDeps,
  job: DeliveryJob,
  pending: RoomConnection[],
  failedTry: boolean,
  outcome: JobOutcome,
  budget: JobBudget,
): Promise<void> {
  // Out of time alone is no failed try: the rest starts again at once, as it was.
  const attempt = job.attempt + (failedTry ? 1 : 0);
  const rest: DeliveryJob = { ...job, to: pending, attempt };
  if (attempt >= deps.limits.deliveryMaxAttempts) {
    await deps.queue.deadLetter(rest, `still failing after ${attempt} tries`);
    deps.log.error('deliveries dead-lettered', {
      roomId: job.roomId,
      deadLettered: pending.length,
      attempt,
    });
    outcome.deadLettered = pending.length;
  } else {
    // Not handOver: a queue that refuses this must fail the job, so that the queue brings
    // the whole job back (some members may get it twice; none goes without).
    const delaySeconds = failedTry ? retryDelaySeconds(attempt) : 0;
    // Bounded by what is left of the invocation: a queue slow to answer fails the job
    // before Lambda ends it, and the job comes back whole; past the timeout it would come
    // back too, but only after the visibility timeout.
    const timeoutMs = Math.max(1, budget.remainingMs() - HAND_BACK_MARGIN_MS);
    await deps.queue.enqueue([rest], { delaySeconds, timeoutMs });
    outcome.requeued = pending.length;
  }
}

interface PacedResult {
  posted: number;
  failed: number;
  gone: RoomConnection[];
  retry: RoomConnection[];
  /** Never started: the invocation ran out of time first. */
  notStarted: RoomConnection[];
  /** Posts were still unanswered when the time to wait for them ran out. */
  cutShort: boolean;
}

/**
 * Starts the posts in chunks, `postsPerSecond` a second, so that the workers together stay
 * inside the account's quota instead of learning it from 429s; stops starting them
 * `reserveMs` before the timeout.
 */
async function pacedBroadcast(
  deps: ChatDeps,
  to: readonly RoomConnection[],
  frame: string,
  budget: JobBudget,
  sleep: (ms: number) => Promise<void>,
): Promise<PacedResult> {
  const now = budget.now ?? Date.now;
  const chunk = Math.max(1, Math.ceil(budget.postsPerSecond / CHUNKS_PER_SECOND));
  const chunkMs = (chunk / budget.postsPerSecond) * 1000;
  const started = now();
  const runs: Promise<BroadcastResult & { slice: RoomConnection[] }>[] = [];
  const slices: RoomConnection[][] = [];
  let next = 0;
  for (let i = 0; next < to.length; i++) {
    const wait = started + i * chunkMs - now();
    if (wait > 0) await sleep(wait);
    if (budget.remainingMs() < budget.reserveMs) break;
    const slice = to.slice(next, next + chunk);
    next += slice.length;
    slices.push(slice);
    runs.push(
      deps.sender
        .broadcast(
          slice.map((c) => c.connectionId),
          frame,
        )
        .then((result) => ({ slice, ...result })),
    );
  }
  // Waits for the posts in flight, but not into the last third of the reserve: a post that
  // has not answered by then (or whose broadcast failed) counts as not delivered and is
  // handed back with the rest, so the hand-back always fits before Lambda ends the
  // invocation. Such a post may still have arrived: a member can get the frame twice
  // (clients drop a seq they hold), never not at all.
  const waitMs = Math.max(0, budget.remainingMs() - budget.reserveMs / 3);
  const results = await settledWithin(runs, waitMs);
  const paced: PacedResult = {
    posted: 0,
    failed: 0,
    gone: [],
    retry: [],
    notStarted: to.slice(next),
    cutShort: false,
  };
  for (const [i, result] of results.entries()) {
    if (!result) {
      paced.retry.push(...(slices[i] ?? []));
      paced.cutShort = true;
      continue;
    }
    const sorted = sortOutcome(result.slice, result);
    paced.gone.push(...sorted.gone);
    paced.retry.push(...sorted.retry);
    paced.failed += result.failed;
    paced.posted += result.slice.length - sorted.gone.length - sorted.retry.length - result.failed;
  }
  return paced;
}

/**
 * Each promise's value once it has resolved, or undefined for one that rejected or was
 * still pending after `ms` milliseconds.
 */
async function settledWithin<T>(promises: Promise<T>[], ms: number): Promise<(T | undefined)[]> {
  const values: (T | undefined)[] = promises.map(() => undefined);
  const all = Promise.all(
    promises.map((promise, i) =>
      promise.then(
        (value) => {
          values[i] = value;
        },
        () => undefined,
      ),
    ),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([all, timeout]);
  clearTimeout(timer);
  return [...values];
}
