/**
 * Builders for the events API Gateway hands to Lambda, in AWS's exact shape: the captured
 * events in AWS's developer guide and Powertools' parser fixtures (apigw-websocket). Key order
 * follows AWS's so a logged local event reads like a logged AWS one.
 */
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import type {
  AuthorizerContext,
  WebSocketEvent,
  WebSocketEventType,
  WebSocketRequestContext,
} from '../../functions/shared/apigw-events.js';
import type { Connection } from './connection-registry.js';
import { newGatewayId } from './ids.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The last second formatted: every frame needs its time, and many share a second. */
let lastFormatted = { second: Number.NaN, text: '' };

/** `$context.requestTime`: CLF format in UTC, e.g. `26/Nov/2026:10:00:00 +0000`. */
export function formatRequestTime(epochMs: number): string {
  const second = Math.floor(epochMs / 1000);
  if (second !== lastFormatted.second) {
    lastFormatted = { second, text: formatClf(epochMs) };
  }
  return lastFormatted.text;
}

function formatClf(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  const month = MONTHS[d.getUTCMonth()] ?? 'Jan';
  return (
    `${two(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/** What the gateway was configured with: fixed for every event. */
export interface ApiInfo {
  apiId: string;
  stage: string;
}

/** The upgrade request as the $connect event and the authorizer see it. */
export interface HandshakeRequest {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | undefined;
  multiValueQueryStringParameters: Record<string, string[]> | undefined;
}

interface ContextInput {
  api: ApiInfo;
  connection: Connection;
  routeKey: string;
  eventType: WebSocketEventType;
  requestId: string;
  now: number;
  messageId?: string;
  disconnect?: { code: number; reason: string };
}

function requestContext(input: ContextInput): WebSocketRequestContext {
  const { api, connection, now } = input;
  const identity: WebSocketRequestContext['identity'] = { sourceIp: connection.sourceIp };
  if (connection.userAgent !== undefined) identity.userAgent = connection.userAgent;
  const context: WebSocketRequestContext = {
    routeKey: input.routeKey,
    ...(input.messageId === undefined ? {} : { messageId: input.messageId }),
    ...(input.disconnect === undefined ? {} : { disconnectStatusCode: input.disconnect.code }),
    eventType: input.eventType,
    // AWS sends the same value in both on WebSocket APIs.
    extendedRequestId: input.requestId,
    requestTime: formatRequestTime(now),
    messageDirection: 'IN',
    ...(input.disconnect === undefined ? {} : { disconnectReason: input.disconnect.reason }),
    stage: api.stage,
    connectedAt: connection.connectedAt,
    requestTimeEpoch: now,
    identity,
    requestId: input.requestId,
    domainName: connection.domainName,
    connectionId: connection.id,
    apiId: api.apiId,
  };
  if (connection.authorizer !== undefined) context.authorizer = { ...connection.authorizer };
  return context;
}

export function buildConnectEvent(
  api: ApiInfo,
  connection: Connection,
  request: HandshakeRequest,
  requestId: string,
  now: number,
): WebSocketEvent {
  const event: WebSocketEvent = {
    headers: request.headers,
    multiValueHeaders: request.multiValueHeaders,
    requestContext: requestContext({
      api,
      connection,
      routeKey: '$connect',
      eventType: 'CONNECT',
      requestId,
      now,
    }),
    isBase64Encoded: false,
  };
  // AWS leaves the query keys out entirely when the URL has no query string.
  if (request.queryStringParameters !== undefined) {
    event.queryStringParameters = request.queryStringParameters;
    event.multiValueQueryStringParameters = request.multiValueQueryStringParameters;
  }
  return event;
}

export function buildMessageEvent(
  api: ApiInfo,
  connection: Connection,
  routeKey: string,
  body: string,
  now: number,
): WebSocketEvent {
  return {
    requestContext: requestContext({
      api,
      connection,
      routeKey,
      eventType: 'MESSAGE',
      requestId: newGatewayId(),
      messageId: newGatewayId(),
      now,
    }),
    body,
    isBase64Encoded: false,
  };
}

export function buildDisconnectEvent(
  api: ApiInfo,
  connection: Connection,
  disconnect: { code: number; reason: string },
  now: number,
): WebSocketEvent {
  // AWS sends these four headers, and only these, on $disconnect.
  const headers = {
    Host: connection.domainName,
    'x-api-key': '',
    'X-Forwarded-For': '',
    'x-restapi': '',
  };
  const multiValueHeaders = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, [value]]),
  );
  return {
    headers,
    multiValueHeaders,
    requestContext: requestContext({
      api,
      connection,
      routeKey: '$disconnect',
      eventType: 'DISCONNECT',
      requestId: newGatewayId(),
      now,
      disconnect,
    }),
    isBase64Encoded: false,
  };
}

/** `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/$connect`. */
export function connectMethodArn(api: ApiInfo, region: string, accountId: string): string {
  return `arn:aws:execute-api:${region}:${accountId}:${api.apiId}/${api.stage}/$connect`;
}

/**
 * The REQUEST authorizer's input for a WebSocket $connect, as AWS's developer guide shows it.
 * `@types/aws-lambda` types this event after the REST API one (httpMethod, resource, path,
 * a REST requestContext), which a WebSocket API never sends; the event is built in the
 * WebSocket shape and then viewed through the type handlers are written against.
 */
export function buildAuthorizerEvent(
  api: ApiInfo,
  connection: Connection,
  request: HandshakeRequest,
  requestId: string,
  now: number,
  methodArn: string,
): APIGatewayRequestAuthorizerEvent {
  const event = {
    type: 'REQUEST' as const,
    methodArn,
    headers: request.headers,
    multiValueHeaders: request.multiValueHeaders,
    queryStringParameters: request.queryStringParameters ?? null,
    multiValueQueryStringParameters: request.multiValueQueryStringParameters ?? null,
    stageVariables: {},
    requestContext: requestContext({
      api,
      connection,
      routeKey: '$connect',
      eventType: 'CONNECT',
      requestId,
      now,
    }),
    isBase64Encoded: false,
    body: null,
  };
  return event as unknown as APIGatewayRequestAuthorizerEvent;
}

/** `requestContext.authorizer` after an Allow: the returned `context` plus `principalId`. */
export function authorizerContextOf(
  principalId: string,
  context: AuthorizerContext | null | undefined,
): AuthorizerContext {
  return { ...(context ?? {}), principalId };
}
