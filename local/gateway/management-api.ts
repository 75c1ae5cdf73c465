/**
 * The `@connections` HTTP API (PostToConnection, GetConnection, DeleteConnection) in the wire
 * format `@aws-sdk/client-apigatewaymanagementapi` speaks, so handlers use the real client
 * unchanged: errors carry `x-amzn-ErrorType`, which the SDK turns into `GoneException` and
 * friends with the right `$metadata.httpStatusCode`.
 *
 * Every call meets the account's quota and the call's latency (`CallbackLimits`), as the
 * in-process posts do. Requests are not authenticated: the SDK's SigV4 signature is
 * accepted unchecked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallbackLimits } from './callback-limits.js';
import type { Connection, ConnectionRegistry } from './connection-registry.js';
import { readBody, sendJson } from './http-io.js';
import { newAwsRequestId } from './ids.js';
import { MAX_MESSAGE_BYTES } from './limits.js';

/** `/@connections/{id}`, optionally after a stage segment; `@` may arrive percent-encoded. */
const CONNECTIONS_PATH = /^(?:\/[^/]+)?\/(?:@|%40)connections\/([^/]+)\/?$/i;

export interface ConnectionControl {
  /** Sends one text frame; resolves once it is handed to the socket. */
  post(connection: Connection, data: string): Promise<void>;
  /** Starts closing the connection; $disconnect follows when the socket has closed. */
  delete(connection: Connection): void;
  /** The caller hung up while the call waited its latency: nothing was done. */
  dropped(connectionId: string, method: string): void;
}

/** The connection id in a management API path, URL-decoded; `undefined` for other paths. */
export function connectionIdFromPath(url: string | undefined): string | undefined {
  const pathname = (url ?? '/').split('?')[0] ?? '/';
  const encoded = CONNECTIONS_PATH.exec(pathname)?.[1];
  if (encoded === undefined) return undefined;
  try {
    // Ids contain `/`, `+` and `=`, which the SDK sends as %2F, %2B and %3D.
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

export async function handleManagementRequest(
  req: IncomingMessage,
  res: ServerResponse,
  connectionId: string,
  registry: ConnectionRegistry,
  control: ConnectionControl,
  limits: CallbackLimits,
): Promise<void> {
  res.setHeader('x-amzn-RequestId', newAwsRequestId());
  const method = req.method ?? 'GET';
  if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') {
    // API Gateway answers a method it has no route for like this on execute-api.
    req.resume();
    sendError(res, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    return;
  }
  if (method === 'POST') {
    const body = await readBody(req, MAX_MESSAGE_BYTES);
    if (!(await passLimits(res, limits, () => control.dropped(connectionId, method)))) return;
    const connection = registry.getOpen(connectionId);
    if (!connection) return sendGone(res);
    if (body === 'too-large') {
      sendError(res, 413, 'PayloadTooLargeException', 'Message too long');
      return;
    }
    try {
      await control.post(connection, body.toString('utf8'));
    } catch {
      return sendGone(res); // the socket closed under the send
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '0' }).end();
    return;
  }
  req.resume();
  if (!(await passLimits(res, limits, () => control.dropped(connectionId, method)))) return;
  const connection = registry.getOpen(connectionId);
  if (!connection) return sendGone(res);
  if (method === 'DELETE') {
    control.delete(connection);
    res.writeHead(204).end();
    return;
  }
  const identity: { sourceIp: string; userAgent?: string } = { sourceIp: connection.sourceIp };
  if (connection.userAgent !== undefined) identity.userAgent = connection.userAgent;
  sendJson(res, 200, {
    connectedAt: new Date(connection.connectedAt).toISOString(),
    identity,
    lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
  });
}

/**
 * Takes the call from the account's quota, then waits its latency. False when the call ends
 * there: throttled (429 `LimitExceededException`, which the SDK raises, retrying first), or
 * its client hung up while it waited (a Lambda past its timeout, whose requests are
 * destroyed): then nothing is delivered.
 */
async function passLimits(
  res: ServerResponse,
  limits: CallbackLimits,
  dropped: () => void,
): Promise<boolean> {
  const admitted = limits.admit();
  if (limits.latency.enabled) {
    await limits.latency.wait();
    if (res.destroyed || !res.socket || res.socket.destroyed) {
      dropped();
      return false;
    }
  }
  if (!admitted) {
    sendError(res, 429, 'LimitExceededException', 'Rate exceeded');
    return false;
  }
  return true;
}

function sendGone(res: ServerResponse): void {
  sendError(res, 410, 'GoneException', 'Gone');
}

function sendError(res: ServerResponse, status: number, errorType: string, message: string): void {
  res.setHeader('x-amzn-ErrorType', errorType);
  sendJson(res, status, { message });
}
