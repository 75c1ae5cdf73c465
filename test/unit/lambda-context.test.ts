import { describe, expect, it } from 'vitest';
import { createLambdaContext, INVOCATION_TIMEOUT_MS } from '../../local/gateway/lambda-context.js';

describe('the local Lambda context', () => {
  it('carries the fields loggers read on AWS, named after the route', () => {
    const now = Date.UTC(2026, 10, 26, 9, 0, 0);
    const context = createLambdaContext('$connect', now);
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
    expect(createLambdaContext('$connect', now).awsRequestId).not.toBe(context.awsRequestId);
  });

  it('counts the remaining time down from the API Gateway integration timeout', () => {
    const started = Date.now();
    const context = createLambdaContext('send_message', started);
    const remaining = context.getRemainingTimeInMillis();
    expect(remaining).toBeLessThanOrEqual(INVOCATION_TIMEOUT_MS);
    expect(remaining).toBeGreaterThan(0);
    expect(createLambdaContext('send_message', started - 60_000).getRemainingTimeInMillis()).toBe(
      0,
    );
  });

  it('lets a stray callback-era call pass without throwing', () => {
    const context = createLambdaContext('default');
    expect(() => {
      context.done();
      context.fail('x');
      context.succeed('y');
    }).not.toThrow();
  });
});
