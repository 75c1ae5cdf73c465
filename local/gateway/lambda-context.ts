/**
 * A Lambda `Context` for in-process invocations, with the fields handlers and loggers (for
 * example Powertools Logger) read on AWS.
 */
import type { Context } from '../../functions/shared/apigw-events.js';
import { keyedMemo } from '../../functions/shared/memo.js';
import { newAwsRequestId } from './ids.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '123456789012';

/**
 * Lambda function names allow letters, digits, `-` and `_`; route keys like `$connect` do
 * not, so the name keeps the route key readable but drops what Lambda would refuse.
 */
function functionNameFor(routeKey: string): string {
  return routeKey.replace(/[^A-Za-z0-9_-]/g, '') || 'handler';
}

interface FunctionNames {
  invokedFunctionArn: string;
  logGroupName: string;
}

/** Per route key, the names that never change (built once, not on every invocation). */
const namesFor = keyedMemo((routeKey: string): FunctionNames => {
  const logName = functionNameFor(routeKey);
  return {
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${logName}`,
    logGroupName: `/aws/lambda/${logName}`,
  };
});

const DAY_MS = 86_400_000;
let lastStream = { day: Number.NaN, name: '' };

/** `2026/11/26/[$LATEST]local`: Lambda names log streams by the day they started. */
function logStreamFor(now: number): string {
  const day = Math.floor(now / DAY_MS);
  if (day !== lastStream.day) {
    const date = new Date(now).toISOString().slice(0, 10).replaceAll('-', '/');
    lastStream = { day, name: `${date}/[$LATEST]local` };
  }
  return lastStream.name;
}

/**
 * Methods on the prototype rather than closures per invocation: a context is made for every
 * frame, and per-call closures showed in the local gateway's profile.
 */
class LocalLambdaContext implements Context {
  readonly callbackWaitsForEmptyEventLoop = true;
  readonly functionVersion = '$LATEST';
  readonly memoryLimitInMB = '1024';
  readonly functionName: string;
  readonly invokedFunctionArn: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  private readonly deadline: number;

  constructor(routeKey: string, now: number, timeoutMs: number) {
    const names = namesFor(routeKey);
    this.functionName = routeKey;
    this.invokedFunctionArn = names.invokedFunctionArn;
    this.awsRequestId = newAwsRequestId();
    this.logGroupName = names.logGroupName;
    this.logStreamName = logStreamFor(now);
    this.deadline = now + timeoutMs;
  }

  /** Counts down the function's timeout: the one the gateway enforces, when it does. */
  getRemainingTimeInMillis(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  // The callback-era methods are deprecated and unused by async handlers; they exist so the
  // object satisfies `Context` and a stray call does not throw.
  done(): void {}
  fail(): void {}
  succeed(): void {}
}

/** A context for one invocation of `routeKey`'s function, whose timeout is `timeoutMs`. */
export function createLambdaContext(routeKey: string, now: number, timeoutMs: number): Context {
  return new LocalLambdaContext(routeKey, now, timeoutMs);
}
