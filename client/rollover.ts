/**
 * When to replace a connection before API Gateway ends it. AWS closes every WebSocket at
 * 2 hours; reconnecting after the close makes the user leave every room (`presence
 * offline` to each member, billed to each) and come back a moment later. Instead the
 * client opens a second connection shortly before the limit, rejoins its rooms there with
 * `since`, moves over and closes the old one (make-before-break): the server tells nobody
 * when a user who keeps another connection in a room joins or leaves it, so the rollover
 * makes no presence frames. client.ts does the rollover; this file only keeps its clock.
 */
import { Backoff } from './backoff.js';
import type { ReconnectOptions } from './types.js';

/** API Gateway's 2 hours less a 5 minute margin for the rollover and its retries. */
export const DEFAULT_ROLLOVER_AFTER_MS = 115 * 60_000;

/** The rollover's timer: due `afterMs` after a connection opened, then with backoff. */
export class RolloverClock {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly retry: Backoff;

  constructor(
    private readonly afterMs: number,
    reconnect: ReconnectOptions | undefined,
    private readonly due: () => void,
  ) {
    this.retry = new Backoff(reconnect);
  }

  /** A connection opened: its rollover is due `afterMs` from now (never when 0). */
  start(): void {
    this.stop();
    this.retry.reset();
    if (this.afterMs > 0) this.timer = setTimeout(() => this.fire(), this.afterMs);
  }

  /** A rollover failed while the old connection still works: try again soon. */
  retryLater(): void {
    this.stop();
    this.timer = setTimeout(() => this.fire(), this.retry.next());
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.due();
  }
}
