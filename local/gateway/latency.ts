/**
 * The time an `@connections` call takes: from a Lambda, each PostToConnection is an HTTPS
 * round trip of 10-50 ms. The gateway adds it to every call, HTTP and in-process alike,
 * and schedules the calls that end in the same millisecond on one timer, so a fan-out to
 * 100,000 connections does not mean 100,000 timers.
 */

/** A fixed latency (`minMs === maxMs`) or a uniform range, in milliseconds. */
export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

export class Latency {
  /** Callbacks by the millisecond they are due, each list on one timer. */
  private readonly due = new Map<number, (() => void)[]>();

  constructor(
    private readonly range: LatencyRange | undefined,
    private readonly random: () => number = () => Math.random(),
  ) {}

  /** Whether calls take any time at all; without latency they complete at once. */
  get enabled(): boolean {
    return this.range !== undefined && this.range.maxMs > 0;
  }

  /** One call's latency: uniform over the range, whole milliseconds. */
  sample(): number {
    const range = this.range;
    if (!range) return 0;
    return Math.round(range.minMs + (range.maxMs - range.minMs) * this.random());
  }

  /** Runs `callback` once one call's latency has passed (at once without latency). */
  after(callback: () => void): void {
    const ms = this.sample();
    if (ms <= 0) {
      callback();
      return;
    }
    const at = Date.now() + ms;
    const waiting = this.due.get(at);
    if (waiting) {
      waiting.push(callback);
      return;
    }
    const callbacks = [callback];
    this.due.set(at, callbacks);
    setTimeout(() => {
      this.due.delete(at);
      for (const run of callbacks) run();
    }, ms);
  }

  /** One call's latency, awaited. */
  wait(): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    return new Promise((resolve) => this.after(resolve));
  }
}
