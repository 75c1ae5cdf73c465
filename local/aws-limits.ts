/**
 * AWS's runtime limits for the local gateway, read from the environment: each is off unless
 * its variable is set (`GATEWAY_POST_LATENCY_MS`, `GATEWAY_ACCOUNT_RPS`,
 * `GATEWAY_ACCOUNT_BURST`, `LAMBDA_TIMEOUT_MS`), and `PARLEY_AWS_LIMITS=1` turns them all on
 * with AWS's numbers, a variable set beside it winning. local/gateway/README.md ("AWS
 * runtime limits") has the table and says why they are off by default.
 */
import { FUNCTION_TIMEOUT_SECONDS } from '../functions/route-table.js';
import type { RuntimeLimits } from './gateway/index.js';

/** AWS's numbers: a PostToConnection from a Lambda, and the account's quota per region. */
export const AWS_DEFAULT_LIMITS = {
  postLatencyMs: 20,
  accountRps: 10_000,
} as const;

export class AwsLimitsError extends Error {
  override readonly name = 'AwsLimitsError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** The limits `env` asks for; throws an `AwsLimitsError` (one line) on a bad value. */
export function awsLimitsFromEnv(env: Env): RuntimeLimits {
  const all = flag(env, 'PARLEY_AWS_LIMITS');
  const limits: RuntimeLimits = {};

  const latency = text(env, 'GATEWAY_POST_LATENCY_MS');
  if (latency !== undefined) {
    const range = parseLatency(latency);
    if (range.maxMs > 0) limits.postLatencyMs = range;
  } else if (all) {
    const ms = AWS_DEFAULT_LIMITS.postLatencyMs;
    limits.postLatencyMs = { minMs: ms, maxMs: ms };
  }

  const rps = positive(env, 'GATEWAY_ACCOUNT_RPS');
  const burst = positive(env, 'GATEWAY_ACCOUNT_BURST');
  if (all || rps !== undefined || burst !== undefined) {
    const ratePerSecond = rps ?? AWS_DEFAULT_LIMITS.accountRps;
    limits.accountThrottle = {
      ratePerSecond,
      burst: burst ?? Math.max(1, Math.floor(ratePerSecond / 2)),
    };
  }

  const timeoutMs = positive(env, 'LAMBDA_TIMEOUT_MS');
  if (timeoutMs !== undefined) limits.lambdaTimeouts = { timeoutMs };
  else if (all) limits.lambdaTimeouts = {};
  return limits;
}

/** One line for the dev banner: what is enforced, or that nothing is. */
export function describeLimits(limits: RuntimeLimits): string {
  const parts: string[] = [];
  const latency = limits.postLatencyMs;
  if (latency) {
    const ms =
      latency.minMs === latency.maxMs ? `${latency.minMs}` : `${latency.minMs}-${latency.maxMs}`;
    parts.push(`${ms} ms per @connections call`);
  }
  const throttle = limits.accountThrottle;
  if (throttle) {
    parts.push(
      `${throttle.ratePerSecond.toLocaleString('en-US')} requests/s ` +
        `(burst ${throttle.burst.toLocaleString('en-US')})`,
    );
  }
  const timeouts = limits.lambdaTimeouts;
  if (timeouts) {
    parts.push(
      timeouts.timeoutMs === undefined
        ? `Lambda timeouts (${FUNCTION_TIMEOUT_SECONDS.route} s, ` +
            `authorizer ${FUNCTION_TIMEOUT_SECONDS.authorizer} s)`
        : `Lambda timeout ${timeouts.timeoutMs} ms`,
    );
  }
  return parts.length === 0
    ? 'AWS limits: off (PARLEY_AWS_LIMITS=1 turns them on)'
    : `AWS limits: ${parts.join(', ')}`;
}

/** `20` or `10-50`: milliseconds, a range uniform between the two. */
export function parseLatency(value: string): { minMs: number; maxMs: number } {
  const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(value);
  const minMs = Number(match?.[1]);
  const maxMs = match?.[2] === undefined ? minMs : Number(match[2]);
  if (!match || maxMs < minMs) {
    throw new AwsLimitsError(
      `GATEWAY_POST_LATENCY_MS="${value}": expected milliseconds (20) or a range (10-50)`,
    );
  }
  return { minMs, maxMs };
}

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

function flag(env: Env, name: string): boolean {
  const value = text(env, name);
  if (value === undefined || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new AwsLimitsError(`${name}="${value}": expected 1 or 0`);
}

function positive(env: Env, name: string): number | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new AwsLimitsError(`${name}="${value}": expected a whole number above 0`);
  }
  return number;
}
