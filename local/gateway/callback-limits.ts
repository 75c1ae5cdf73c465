/**
 * The rules every `@connections` call meets before it reaches a connection, whether it
 * arrives over HTTP (the AWS SDK) or in-process (the dev server's direct sender): the
 * account's request quota (429 `LimitExceededException`) and the call's latency.
 */
import { Latency, type LatencyRange } from './latency.js';
import { type ThrottleLimits, TokenBucket } from './token-bucket.js';

export interface CallbackLimitsOptions {
  postLatencyMs: LatencyRange | undefined;
  throttle: ThrottleLimits | undefined;
}

export class CallbackLimits {
  readonly latency: Latency;
  private readonly bucket: TokenBucket | undefined;

  constructor(options: CallbackLimitsOptions) {
    this.latency = new Latency(options.postLatencyMs);
    this.bucket = options.throttle ? new TokenBucket(options.throttle) : undefined;
  }

  /** Whether a call can be held back or refused at all; if not, posts take a fast path. */
  get active(): boolean {
    return this.latency.enabled || this.bucket !== undefined;
  }

  /** Takes one request from the account's quota: false when the call is throttled (429). */
  admit(): boolean {
    return this.bucket ? this.bucket.take() : true;
  }
}

/** An error shaped like the SDK's for an `@connections` answer, for in-process callers. */
function sdkError(name: string, message: string, httpStatusCode: number): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: 'client' as const,
    $metadata: { httpStatusCode },
  });
}

/** What a throttled call answers (429): the SDK raises `LimitExceededException`. */
export function limitExceeded(): Error {
  return sdkError('LimitExceededException', 'Rate exceeded', 429);
}

/** What a post over API Gateway's 128 KB message limit answers (413). */
export function payloadTooLarge(): Error {
  return sdkError('PayloadTooLargeException', 'Message too long', 413);
}
