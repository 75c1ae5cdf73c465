/**
 * Time-boxed waiting for the deploy-time handlers (CloudFormation custom resources). Each
 * wait is planned against a deadline taken from what Lambda says is left of the
 * invocation, less a margin, so a handler that gives up still has time to report why:
 * cut off by the Lambda timeout instead, it would leave CloudFormation with "Task timed
 * out" and nothing else.
 */
import type { Context } from 'aws-lambda';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** When the handler must be done (epoch ms): Lambda's remaining time less `marginMs`. */
export function deadlineOf(
  context: Pick<Context, 'getRemainingTimeInMillis'>,
  marginMs: number,
  clock: Clock = systemClock,
): number {
  return clock.now() + context.getRemainingTimeInMillis() - marginMs;
}

export interface RetryPlan {
  /** Epoch ms by which the last attempt must have ended. */
  until: number;
  /** The pause between attempts. */
  delayMs: number;
  /** The longest one attempt can take (its own timeout). */
  attemptMs: number;
  /** Whether an error is worth another attempt; any other is thrown at once. */
  retryable?: (error: unknown) => boolean;
  onRetry?: (attempt: number, error: unknown) => void;
  clock?: Clock;
}

/**
 * Runs `attempt` until it succeeds. Once another attempt, pause included, could not end by
 * `until`, the last error is thrown.
 */
export async function retryUntil<T>(attempt: () => Promise<T>, plan: RetryPlan): Promise<T> {
  const clock = plan.clock ?? systemClock;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const nextEnds = clock.now() + plan.delayMs + plan.attemptMs;
      if (!(plan.retryable?.(error) ?? true) || nextEnds > plan.until) throw error;
      plan.onRetry?.(n, error);
      await clock.sleep(plan.delayMs);
    }
  }
}
