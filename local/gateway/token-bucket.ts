/**
 * API Gateway's account-level throttle: a token bucket that refills at a steady rate up to
 * a burst capacity, one token per request. AWS's quota per account and region is 10,000
 * requests/s with a burst of 5,000, shared by every API and every `@connections` call.
 */
export interface ThrottleLimits {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** The bucket's capacity, and what it holds at the start. */
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limits.burst;
    this.refilledAt = now();
  }

  /** Takes one token: false when the bucket is empty (the request is throttled). */
  take(): boolean {
    const now = this.now();
    if (now > this.refilledAt) {
      const added = ((now - this.refilledAt) * this.limits.ratePerSecond) / 1000;
      this.tokens = Math.min(this.limits.burst, this.tokens + added);
      this.refilledAt = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
