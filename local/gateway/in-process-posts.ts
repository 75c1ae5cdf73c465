/**
 * PostToConnection without the HTTP round trip, for handlers that run in the gateway's
 * process (the dev server's direct sender): the same outcomes (sent, 410 gone, 413 too
 * large, 429 throttled) under the same rules as `POST /@connections/{id}` (latency, the
 * account's quota, and nothing delivered for an invocation past its timeout).
 */
import { type CallbackLimits, limitExceeded, payloadTooLarge } from './callback-limits.js';
import type { Connection } from './connection-registry.js';
import type { Invocation, LambdaRunner, LambdaTimeoutError } from './lambda-runner.js';
import { MAX_MESSAGE_BYTES } from './limits.js';

export interface PostTarget {
  /** The connection, if it is open. */
  getOpen(connectionId: string): Connection | undefined;
  /** Sends one text frame; `done` gets an error when the connection closed under it. */
  write(connection: Connection, data: string | Buffer, done: (error?: Error) => void): void;
}

export interface BatchResult {
  /** Not open (410), or closed under the send. */
  gone: string[];
  /** Refused by the account's quota (429): worth trying again later. */
  throttled: string[];
}

export interface BatchOptions {
  /**
   * At most this many posts in flight at once, as a sender's pool allows (only matters with
   * latency: without it a post completes at once). Default: no bound.
   */
  concurrency?: number;
}

export class InProcessPosts {
  constructor(
    private readonly target: PostTarget,
    private readonly limits: CallbackLimits,
    private readonly lambda: LambdaRunner,
  ) {}

  /**
   * 'gone' when the connection is not open (410); throws a `PayloadTooLargeException` over
   * 128 KB, a `LimitExceededException` when throttled (both shaped like the SDK's, with
   * `$metadata.httpStatusCode`), and a `LambdaTimeoutError` when the calling invocation
   * has timed out (nothing is delivered).
   */
  async postToConnection(connectionId: string, data: string): Promise<'sent' | 'gone'> {
    const invocation = this.lambda.current();
    throwIf(this.lambda.cutOff(invocation));
    if (Buffer.byteLength(data) > MAX_MESSAGE_BYTES) throw payloadTooLarge();
    const admitted = this.limits.admit();
    await this.limits.latency.wait();
    throwIf(this.lambda.cutOff(invocation));
    if (!admitted) throw limitExceeded();
    const connection = this.target.getOpen(connectionId);
    if (!connection) return 'gone';
    return new Promise((resolve) =>
      this.target.write(connection, data, (error) => resolve(error ? 'gone' : 'sent')),
    );
  }

  /**
   * One post per connection, each under the same rules as `postToConnection`; resolves
   * once every post has completed, with those found gone and those throttled. Rejects over
   * 128 KB (every post would answer 413) and with a `LambdaTimeoutError` when the calling
   * invocation timed out before all were made (those left are not delivered).
   */
  postToConnections(
    connectionIds: readonly string[],
    data: Buffer,
    options: BatchOptions = {},
  ): Promise<BatchResult> {
    if (data.length > MAX_MESSAGE_BYTES) return Promise.reject(payloadTooLarge());
    const invocation = this.lambda.current();
    if (!this.limits.active && invocation === undefined)
      return this.postAllNow(connectionIds, data);
    return this.postPaced(connectionIds, data, invocation, options.concurrency ?? Infinity);
  }

  /**
   * Without latency, quota or deadline, every post is written at once: one promise for the
   * batch rather than one per connection, which in a room of thousands was most of the cost.
   */
  private postAllNow(connectionIds: readonly string[], data: Buffer): Promise<BatchResult> {
    const result: BatchResult = { gone: [], throttled: [] };
    let pending = 1; // held until every send has been started
    return new Promise((resolve) => {
      const settle = () => {
        if (--pending === 0) resolve(result);
      };
      for (const id of connectionIds) {
        const connection = this.target.getOpen(id);
        if (!connection) {
          result.gone.push(id);
          continue;
        }
        pending++;
        this.target.write(connection, data, (error) => {
          if (error) result.gone.push(id); // the socket closed under the send
          settle();
        });
      }
      settle();
    });
  }

  /** Posts through the rules, at most `concurrency` in flight, in the order given. */
  private postPaced(
    connectionIds: readonly string[],
    data: Buffer,
    invocation: Invocation | undefined,
    concurrency: number,
  ): Promise<BatchResult> {
    const result: BatchResult = { gone: [], throttled: [] };
    let next = 0;
    let inFlight = 0;
    let cutOff: LambdaTimeoutError | undefined;
    let pumping = false;
    return new Promise((resolve, reject) => {
      const complete = () => {
        inFlight--;
        pump();
      };
      const deliver = (id: string, admitted: boolean) => {
        cutOff ??= this.lambda.cutOff(invocation);
        if (cutOff) return complete(); // past the deadline: not delivered
        if (!admitted) {
          result.throttled.push(id);
          return complete();
        }
        const connection = this.target.getOpen(id);
        if (!connection) {
          result.gone.push(id);
          return complete();
        }
        this.target.write(connection, data, (error) => {
          if (error) result.gone.push(id);
          complete();
        });
      };
      // Completions can be synchronous (no latency, a virtual connection): they re-enter
      // here, and the loop already running picks up the freed slot.
      const pump = () => {
        if (pumping) return;
        pumping = true;
        while (inFlight < concurrency && next < connectionIds.length) {
          cutOff ??= this.lambda.cutOff(invocation);
          if (cutOff) {
            next = connectionIds.length; // the rest are never made
            break;
          }
          const id = connectionIds[next++] as string;
          inFlight++;
          const admitted = this.limits.admit();
          this.limits.latency.after(() => deliver(id, admitted));
        }
        pumping = false;
        if (inFlight === 0 && next >= connectionIds.length) {
          if (cutOff) reject(cutOff);
          else resolve(result);
        }
      };
      pump();
    });
  }
}

function throwIf(error: Error | undefined): void {
  if (error) throw error;
}
