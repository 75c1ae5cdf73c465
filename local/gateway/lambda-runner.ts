/**
 * Runs handlers as Lambda invocations: each with its own `Context`, and, when timeouts are
 * enforced, ended at its timeout as Lambda ends it (Lambda's `Task timed out` line, and the
 * invocation fails).
 *
 * A handler runs in this process and cannot be killed, so its invocation is cut off
 * instead: every invocation runs inside an AsyncLocalStorage context that carries its
 * deadline. Past it, the gateway's in-process posts made from that context are dropped, and
 * HTTP requests it starts (the AWS SDK's PostToConnection) are destroyed, as are those still
 * in flight at the deadline. What it writes over sockets opened earlier (a pooled
 * PostgreSQL or Redis connection) still goes through: see README.md, AWS runtime limits.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Context } from '../../functions/shared/apigw-events.js';
import { createLambdaContext } from './lambda-context.js';

/** Why an invocation failed: it ran past its timeout. Its message is Lambda's log line. */
export class LambdaTimeoutError extends Error {
  override readonly name = 'LambdaTimeoutError';

  constructor(
    readonly functionName: string,
    readonly awsRequestId: string,
    readonly timeoutMs: number,
  ) {
    super(`${awsRequestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
  }
}

export interface InvokeOptions {
  /**
   * The timeout of a function configured apart from the API's (the fan-out worker's 30 s):
   * it wins over `LAMBDA_TIMEOUT_MS`, as a stack gives each function its own. Default: the
   * gateway's per-function timeout (`FUNCTION_TIMEOUT_SECONDS`), which `LAMBDA_TIMEOUT_MS`
   * replaces.
   */
  timeoutMs?: number;
}

export interface LambdaRunnerOptions {
  /** End invocations at their timeout. Off: they run to the end, as before. */
  enforceTimeouts: boolean;
  /** Replaces every function's timeout when set. */
  timeoutOverrideMs: number | undefined;
  /** The configured timeout of a function invoked without one. */
  timeoutFor: (functionName: string) => number;
  /** Where Lambda's own lines go (`... Task timed out after 10.00 seconds`). */
  platformLog: (line: string) => void;
}

/** One running invocation, as the code it runs sees it through AsyncLocalStorage. */
interface Invocation {
  readonly error: LambdaTimeoutError;
  readonly deadline: number;
  timedOut: boolean;
  /** HTTP requests it has in flight, destroyed at the deadline. */
  readonly requests: Set<ClientRequest>;
}

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/**
 * Invokes handlers as Lambda would. Exposed as `gateway.lambda` so that other emulated
 * event sources (a queue's worker functions) run under the same rules.
 *
 * @example
 * ```ts
 * try {
 *   const result = await gateway.lambda.invoke('fanout-worker', handler, sqsEvent, {
 *     timeoutMs: 30_000,
 *   });
 * } catch (error) {
 *   if (error instanceof LambdaTimeoutError) {
 *     // Lambda ended it: the batch is not deleted and comes back after its visibility
 *     // timeout; whatever the handler still posts is not delivered.
 *   }
 * }
 * ```
 */
export class LambdaRunner {
  private readonly invocations = new AsyncLocalStorage<Invocation>();
  private subscribed = false;

  constructor(private readonly options: LambdaRunnerOptions) {}

  /** Whether invocations are ended at their timeout. */
  get enforcesTimeouts(): boolean {
    return this.options.enforceTimeouts;
  }

  /** The timeout `functionName` runs with, in milliseconds. */
  timeoutMs(functionName: string, configuredMs?: number): number {
    return configuredMs ?? this.options.timeoutOverrideMs ?? this.options.timeoutFor(functionName);
  }

  /**
   * Runs `handler` as one invocation of `functionName`. Resolves with what it returns;
   * rejects with what it throws, or, when timeouts are enforced, with a
   * `LambdaTimeoutError` at its timeout (after logging Lambda's line), whatever the handler
   * goes on doing.
   */
  invoke<E, R>(
    functionName: string,
    handler: Handler<E, R>,
    event: E,
    options: InvokeOptions = {},
  ): Promise<R> {
    const timeoutMs = this.timeoutMs(functionName, options.timeoutMs);
    const start = Date.now();
    const context = createLambdaContext(functionName, start, timeoutMs);
    if (!this.options.enforceTimeouts) {
      return Promise.resolve().then(() => handler(event, context));
    }
    this.subscribe();
    const invocation: Invocation = {
      error: new LambdaTimeoutError(functionName, context.awsRequestId, timeoutMs),
      deadline: start + timeoutMs,
      timedOut: false,
      requests: new Set(),
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        invocation.timedOut = true;
        this.options.platformLog(invocation.error.message);
        for (const request of invocation.requests) request.destroy(invocation.error);
        reject(invocation.error);
      }, timeoutMs);
      const settle = (finish: () => void) => {
        if (invocation.timedOut) return; // too late: the invocation already failed
        clearTimeout(timer);
        finish();
      };
      this.invocations.run(invocation, () => {
        Promise.resolve()
          .then(() => handler(event, context))
          .then(
            (value) => settle(() => resolve(value)),
            (error: unknown) => settle(() => reject(error)),
          );
      });
    });
  }

  /**
   * The error to fail a call with when it comes from an invocation that has timed out
   * (its posts are not delivered), else undefined. Read it where the call starts and again
   * where it would be delivered.
   */
  cutOff(invocation: Invocation | undefined): LambdaTimeoutError | undefined {
    if (invocation === undefined) return undefined;
    return invocation.timedOut || Date.now() >= invocation.deadline ? invocation.error : undefined;
  }

  /** The invocation the calling code runs in, if any (only while timeouts are enforced). */
  current(): Invocation | undefined {
    return this.options.enforceTimeouts ? this.invocations.getStore() : undefined;
  }

  /** Stops watching HTTP requests; invocations already running keep their timers. */
  close(): void {
    if (!this.subscribed) return;
    diagnostics.unsubscribe('http.client.request.start', this.onRequestStart);
    this.subscribed = false;
  }

  private subscribe(): void {
    if (this.subscribed) return;
    diagnostics.subscribe('http.client.request.start', this.onRequestStart);
    this.subscribed = true;
  }

  /** Every HTTP request this process starts: those of a timed-out invocation are cut. */
  private readonly onRequestStart = (message: unknown): void => {
    const invocation = this.invocations.getStore();
    if (!invocation) return;
    const { request } = message as { request: ClientRequest };
    const cutOff = this.cutOff(invocation);
    if (cutOff) {
      request.destroy(cutOff);
      return;
    }
    invocation.requests.add(request);
    request.once('close', () => invocation.requests.delete(request));
  };
}

export type { Invocation };
