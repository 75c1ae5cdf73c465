/**
 * Event factories for calling the Lambda entries directly: API Gateway WebSocket events
 * (CONNECT, MESSAGE, DISCONNECT) in the shape of `functions/shared/apigw-events.ts`, the
 * REQUEST authorizer event of `$connect`, the fan-out worker's SQS event, and a Lambda
 * `Context`.
 */
import type { SQSEvent, SQSMessageAttributes } from 'aws-lambda';
import type {
  APIGatewayRequestAuthorizerEvent,
  AuthorizerContext,
  Context,
  WebSocketEvent,
  WebSocketEventType,
  WebSocketRequestContext,
} from '../../functions/shared/apigw-events.js';

export const API_ID = 'abc123defg';
export const STAGE = 'test';
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '123456789012';
export const DOMAIN_NAME = `${API_ID}.execute-api.${REGION}.amazonaws.com`;
/** Fixed, so events are deterministic: 2026-01-01T00:00:00Z. */
export const CONNECTED_AT = Date.UTC(2026, 0, 1);

let counter = 0;

/** A connection id in API Gateway's shape (15 base64 characters and `=`), unique per call. */
export function newConnectionId(): string {
  counter++;
  return `C${String(counter).padStart(14, '0')}=`;
}

function gatewayId(): string {
  counter++;
  return `R${String(counter).padStart(14, '0')}=`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `01/Jan/2026:00:00:00 +0000`, as API Gateway formats `requestTime`. */
export function requestTimeOf(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(
    d.getUTCHours(),
  )}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

export interface WsEventOptions {
  connectionId?: string;
  /** The authorizer context (`userId`, `name`); `null` for none. Default: `{ userId }`. */
  authorizer?: AuthorizerContext | null;
  userId?: string;
  body?: string;
  routeKey?: string;
  now?: number;
  /**
   * The frame format the handshake asked for: in the default authorizer context, and in
   * the `$connect` event's query string.
   */
  format?: 'compact';
}

function requestContext(
  eventType: WebSocketEventType,
  routeKey: string,
  options: WsEventOptions,
): WebSocketRequestContext {
  const now = options.now ?? CONNECTED_AT + 1000;
  const requestId = gatewayId();
  const authorizer =
    options.authorizer === null
      ? undefined
      : (options.authorizer ?? {
          userId: options.userId ?? 'alice',
          principalId: options.userId ?? 'alice',
          ...(options.format ? { format: options.format } : {}),
        });
  return {
    routeKey,
    eventType,
    connectionId: options.connectionId ?? newConnectionId(),
    connectedAt: CONNECTED_AT,
    requestId,
    extendedRequestId: requestId,
    ...(eventType === 'MESSAGE' ? { messageId: gatewayId() } : {}),
    domainName: DOMAIN_NAME,
    stage: STAGE,
    apiId: API_ID,
    requestTime: requestTimeOf(now),
    requestTimeEpoch: now,
    messageDirection: 'IN',
    identity: { sourceIp: '203.0.113.7', userAgent: 'parley-test/1.0' },
    ...(authorizer ? { authorizer } : {}),
  };
}

/** A `$connect` event, after the authorizer allowed the handshake. */
export function connectEvent(options: WsEventOptions = {}): WebSocketEvent {
  const host = DOMAIN_NAME;
  return {
    requestContext: requestContext('CONNECT', '$connect', options),
    isBase64Encoded: false,
    headers: {
      Host: host,
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version': '13',
      'User-Agent': 'parley-test/1.0',
      'X-Forwarded-For': '203.0.113.7',
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
    },
    multiValueHeaders: {
      Host: [host],
      'Sec-WebSocket-Key': ['dGhlIHNhbXBsZSBub25jZQ=='],
      'Sec-WebSocket-Version': ['13'],
      'User-Agent': ['parley-test/1.0'],
      'X-Forwarded-For': ['203.0.113.7'],
      'X-Forwarded-Port': ['443'],
      'X-Forwarded-Proto': ['https'],
    },
    queryStringParameters: {
      token: 'redacted',
      ...(options.format ? { format: options.format } : {}),
    },
    multiValueQueryStringParameters: {
      token: ['redacted'],
      ...(options.format ? { format: [options.format] } : {}),
    },
  };
}

/**
 * A MESSAGE event carrying `body` (a frame: an object is JSON-encoded, a string is sent
 * as is). The route key is the frame's `action`, else `$default`, as API Gateway selects it.
 */
export function messageEvent(
  frame: Record<string, unknown> | string,
  options: WsEventOptions = {},
): WebSocketEvent {
  const body = typeof frame === 'string' ? frame : JSON.stringify(frame);
  const action = typeof frame === 'string' ? undefined : frame.action;
  const routeKey = options.routeKey ?? (typeof action === 'string' ? action : '$default');
  return {
    requestContext: requestContext('MESSAGE', routeKey, options),
    body,
    isBase64Encoded: false,
  };
}

/** A `$disconnect` event. */
export function disconnectEvent(options: WsEventOptions = {}): WebSocketEvent {
  const context = requestContext('DISCONNECT', '$disconnect', options);
  return {
    requestContext: {
      ...context,
      disconnectStatusCode: 1000,
      disconnectReason: 'Client closed the connection',
    },
    isBase64Encoded: false,
    headers: { Host: DOMAIN_NAME, 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
    multiValueHeaders: {
      Host: [DOMAIN_NAME],
      'x-api-key': [''],
      'X-Forwarded-For': [''],
      'x-restapi': [''],
    },
  };
}

export const METHOD_ARN = `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${STAGE}/$connect`;

/**
 * The REQUEST authorizer event of a `$connect`, with `?token=` when `token` is given and
 * any `more` query parameters.
 */
export function authorizerEvent(
  token?: string,
  more: Record<string, string> = {},
): APIGatewayRequestAuthorizerEvent {
  const params = { ...(token === undefined ? {} : { token }), ...more };
  const empty = Object.keys(params).length === 0;
  const event = {
    type: 'REQUEST' as const,
    methodArn: METHOD_ARN,
    headers: { Host: DOMAIN_NAME, 'User-Agent': 'parley-test/1.0' },
    multiValueHeaders: { Host: [DOMAIN_NAME], 'User-Agent': ['parley-test/1.0'] },
    queryStringParameters: empty ? null : params,
    multiValueQueryStringParameters: empty
      ? null
      : Object.fromEntries(Object.entries(params).map(([k, v]) => [k, [v]])),
    stageVariables: {},
    requestContext: requestContext('CONNECT', '$connect', { authorizer: null }),
    isBase64Encoded: false,
    body: null,
  };
  return event as unknown as APIGatewayRequestAuthorizerEvent;
}

/** A Lambda context fixture. */
export function lambdaContext(functionName = 'parley-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: '8f5c0c2e-0d7e-4d6b-9a57-0c1f2a3b4c5d',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function endpointAttribute(endpoint: string | undefined): SQSMessageAttributes {
  if (endpoint === undefined) return {};
  const attribute = { stringListValues: [], binaryListValues: [], dataType: 'String' as const };
  return { endpoint: { ...attribute, stringValue: endpoint } };
}

/** An SQS event as Lambda's event source mapping hands it to the fan-out worker. */
export function sqsEvent(
  records: { body: string; messageId?: string; endpoint?: string; receiveCount?: number }[],
): SQSEvent {
  return {
    Records: records.map((r, i) => ({
      messageId: r.messageId ?? `msg-${i}`,
      receiptHandle: `handle-${i}`,
      body: r.body,
      attributes: {
        ApproximateReceiveCount: String(r.receiveCount ?? 1),
        SentTimestamp: String(CONNECTED_AT),
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: String(CONNECTED_AT),
      },
      messageAttributes: endpointAttribute(r.endpoint),
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:parley-fanout`,
      awsRegion: REGION,
    })),
  };
}
