/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): each delay is uniform in [0, cap), cap = min(max, initial * factor^attempt).
 * Full jitter spreads a crowd of clients that lost the same server, so they do not all
 * come back in the same instant.
 */
import type { ReconnectOptions } from './types.js';

export const DEFAULT_RECONNECT: Required<ReconnectOptions> = {
  initialDelayMs: 250,
  maxDelayMs: 15_000,
  factor: 2,
};

export class Backoff {
  private attempt = 0;
  private readonly options: Required<ReconnectOptions>;

  constructor(
    options: ReconnectOptions = {},
    private readonly random: () => number = Math.random,
  ) {
    this.options = { ...DEFAULT_RECONNECT, ...options };
  }

  /** The upper bound of the next delay, before jitter. */
  cap(): number {
    const { initialDelayMs, maxDelayMs, factor } = this.options;
    return Math.min(maxDelayMs, initialDelayMs * factor ** this.attempt);
  }

  /** The next delay in ms; each call counts one more failed attempt. */
  next(): number {
    const delay = Math.floor(this.random() * this.cap());
    this.attempt += 1;
    return delay;
  }

  /** After a success: the next failure starts from `initialDelayMs` again. */
  reset(): void {
    this.attempt = 0;
  }
}
