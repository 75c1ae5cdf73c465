import { describe, expect, it } from 'vitest';
import {
  AwsLimitsError,
  awsLimitsFromEnv,
  describeLimits,
  parseLatency,
} from '../../local/aws-limits.js';

describe('AWS limits from the environment', () => {
  it('enforces nothing new unless asked', () => {
    expect(awsLimitsFromEnv({})).toEqual({});
    expect(awsLimitsFromEnv({ PARLEY_AWS_LIMITS: '0' })).toEqual({});
    expect(describeLimits({})).toBe('AWS limits: off (PARLEY_AWS_LIMITS=1 turns them on)');
  });

  it("turns every limit on with AWS's numbers under PARLEY_AWS_LIMITS=1", () => {
    const limits = awsLimitsFromEnv({ PARLEY_AWS_LIMITS: '1' });
    expect(limits).toEqual({
      postLatencyMs: { minMs: 20, maxMs: 20 },
      accountThrottle: { ratePerSecond: 10_000, burst: 5_000 },
      lambdaTimeouts: {},
    });
    expect(describeLimits(limits)).toBe(
      'AWS limits: 20 ms per @connections call, 10,000 requests/s (burst 5,000), ' +
        'Lambda timeouts (10 s, authorizer 5 s)',
    );
  });

  it('lets each variable turn its own limit on, and win over PARLEY_AWS_LIMITS', () => {
    expect(awsLimitsFromEnv({ GATEWAY_POST_LATENCY_MS: '10-50' })).toEqual({
      postLatencyMs: { minMs: 10, maxMs: 50 },
    });
    expect(awsLimitsFromEnv({ GATEWAY_ACCOUNT_RPS: '100' })).toEqual({
      accountThrottle: { ratePerSecond: 100, burst: 50 },
    });
    expect(awsLimitsFromEnv({ GATEWAY_ACCOUNT_BURST: '7' })).toEqual({
      accountThrottle: { ratePerSecond: 10_000, burst: 7 },
    });
    expect(awsLimitsFromEnv({ LAMBDA_TIMEOUT_MS: '600' })).toEqual({
      lambdaTimeouts: { timeoutMs: 600 },
    });
    expect(
      awsLimitsFromEnv({
        PARLEY_AWS_LIMITS: '1',
        GATEWAY_POST_LATENCY_MS: '0',
        LAMBDA_TIMEOUT_MS: '600',
      }),
    ).toEqual({
      accountThrottle: { ratePerSecond: 10_000, burst: 5_000 },
      lambdaTimeouts: { timeoutMs: 600 },
    });
  });

  it('refuses a bad value with one line naming the variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ PARLEY_AWS_LIMITS: 'yes' }, 'PARLEY_AWS_LIMITS="yes": expected 1 or 0'],
      [
        { GATEWAY_POST_LATENCY_MS: '50-10' },
        'GATEWAY_POST_LATENCY_MS="50-10": expected milliseconds (20) or a range (10-50)',
      ],
      [
        { GATEWAY_POST_LATENCY_MS: 'fast' },
        'GATEWAY_POST_LATENCY_MS="fast": expected milliseconds (20) or a range (10-50)',
      ],
      [
        { GATEWAY_ACCOUNT_RPS: '1.5' },
        'GATEWAY_ACCOUNT_RPS="1.5": expected a whole number above 0',
      ],
      [{ LAMBDA_TIMEOUT_MS: '0' }, 'LAMBDA_TIMEOUT_MS="0": expected a whole number above 0'],
    ];
    for (const [env, message] of cases) {
      expect(() => awsLimitsFromEnv(env)).toThrow(new AwsLimitsError(message));
    }
  });

  it('reads a latency as a fixed value or a range', () => {
    expect(parseLatency('20')).toEqual({ minMs: 20, maxMs: 20 });
    expect(parseLatency(' 10 - 50 ')).toEqual({ minMs: 10, maxMs: 50 });
  });
});
