import { describe, expect, it, vi } from 'vitest';
import { createLambdaContext } from '../../../local/gateway/lambda-context.js';

describe('the local Lambda context', () => {
  it('carries the fields loggers read on AWS, named after the route', () => {
    const now = Date.UTC(2026, 10, 26, 9, 0, 0);
    const context = createLambdaContext('$connect', now, 10_000);
    expect(context).toMatchObject({
      functionName: '$connect',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:connect',
      logGroupName: '/aws/lambda/connect',
      logStreamName: '2026/11/26/[$LATEST]local',
      memoryLimitInMB: '1024',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(createLambdaContext('$connect', now, 10_000).awsRequestId).not.toBe(
      context.awsRequestId,
    );
  });

  it("counts the remaining time down from the function's timeout", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 6) });
    try {
      const context = createLambdaContext('send_message', Date.now(), 10_000);
      expect(context.getRemainingTimeInMillis()).toBe(10_000);
      vi.advanceTimersByTime(9_250);
      expect(context.getRemainingTimeInMillis()).toBe(750);
      vi.advanceTimersByTime(60_000);
      expect(context.getRemainingTimeInMillis()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets a stray callback-era call pass without throwing', () => {
    const context = createLambdaContext('default', Date.now(), 10_000);
    expect(() => {
      context.done();
      context.fail('x');
      context.succeed('y');
    }).not.toThrow();
  });
});
