/**
 * The event and result shapes API Gateway WebSocket APIs hand to Lambda.
 *
 * `@types/aws-lambda` types the WebSocket event without `authorizer`, `identity`,
 * headers or query strings, all of which API Gateway does send; these types add them so
 * handlers and the local gateway agree on one exact shape.
 */
import type {
  APIGatewayAuthorizerResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';

export type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context };

export type WebSocketEventType = 'CONNECT' | 'MESSAGE' | 'DISCONNECT';

/** Values the $connect authorizer returned as `context`; API Gateway adds `principalId`. */
export type AuthorizerContext = Record<string, string | number | boolean | null | undefined>;

export interface WebSocketRequestContext {
  routeKey: string;
  eventType: WebSocketEventType;
  connectionId: string;
  /** Epoch milliseconds; the same value on every event of one connection. */
  connectedAt: number;
  requestId: string;
  extendedRequestId: string;
  /** Present on MESSAGE events only. */
  messageId?: string;
  domainName: string;
  stage: string;
  apiId: string;
  /** For example `26/Nov/2026:10:00:00 +0000`. */
  requestTime: string;
  requestTimeEpoch: number;
  messageDirection: 'IN';
  identity: { sourceIp: string; userAgent?: string };
  /** Present on every event after a $connect that an authorizer allowed. */
  authorizer?: AuthorizerContext;
  /** $disconnect only. */
  disconnectStatusCode?: number;
  disconnectReason?: string;
}

export interface WebSocketEvent {
  requestContext: WebSocketRequestContext;
  /** MESSAGE events: the frame as text (or base64 when `isBase64Encoded`). */
  body?: string;
  isBase64Encoded: boolean;
  /** $connect (the handshake's headers) and $disconnect (AWS's few fixed headers). */
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  stageVariables?: Record<string, string>;
}

/** What a route integration returns. For $connect a non-2xx status refuses the handshake. */
export interface WebSocketResult {
  statusCode: number;
  body?: string;
  headers?: Record<string, string>;
}

export type WebSocketHandler = (
  event: WebSocketEvent,
  context: Context,
) => Promise<WebSocketResult>;

export type RequestAuthorizerHandler = (
  event: APIGatewayRequestAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;
