/**
 * Identifiers in the formats API Gateway and Lambda use, so code that logs, parses or stores
 * them locally meets the same shapes it meets on AWS.
 */
import { randomUUID } from 'node:crypto';
import { randomSlice } from '../../functions/shared/entropy.js';

/**
 * A connection id like `L0SM9cOFvHcCIhw=`: 11 random bytes in standard base64, so 16
 * characters ending in `=`. Standard (not URL-safe) base64 on purpose: real ids contain `/`
 * and `+`, and a local gateway that never produced them would hide encoding bugs in
 * `/@connections/{id}` paths.
 */
export function newConnectionId(): string {
  return randomSlice(11).toString('base64');
}

/** API Gateway's `requestId`, `extendedRequestId` and `messageId` share the connection id format. */
export function newGatewayId(): string {
  return randomSlice(11).toString('base64');
}

/** Lambda's `awsRequestId` (and the management API's `x-amzn-RequestId`) is a UUID. */
export function newAwsRequestId(): string {
  return randomUUID();
}

/** An `X-Amzn-Trace-Id` value: `Root=1-{epoch seconds, hex}-{96 random bits, hex}`. */
export function newTraceId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000).toString(16);
  return `Root=1-${seconds}-${randomSlice(12).toString('hex')}`;
}
