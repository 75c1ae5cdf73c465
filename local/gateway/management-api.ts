/**
 * The `@connections` HTTP API (PostToConnection, GetConnection, DeleteConnection) in the wire
 * format `@aws-sdk/client-apigatewaymanagementapi` speaks, so handlers use the real client
 * unchanged: errors carry `x-amzn-ErrorType`, which the SDK turns into `GoneException` and
 * friends with the right `$metadata.httpStatusCode`.
 *
 * Requests are not authenticated: the SDK's SigV4 signature is accepted unchecked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Connection, ConnectionRegistry } from './connection-registry.js';
import { newAwsRequestId } from './ids.js';
import { MAX_MESSAGE_BYTES } from './limits.js';

/** `/@connections/{id}`, optionally after a stage segment; `@` may arrive percent-encoded. */
const CONNECTIONS_PATH = /^(?:\/[^/]+)?\/(?:@|%40)connections\/([^/]+)\/?$/i;

export interface ConnectionControl {
  /** Sends one text frame; resolves once it is handed to the socket. */
  post(connection: Connection, data: string): Promise<void>;
  /** Starts closing the connection; $disconnect follows when the socket has closed. */
  delete(connection: Connection): void;
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

function sendGone(res: ServerResponse): void {
  sendError(res, 410, 'GoneException', 'Gone');
}

function sendError(res: ServerResponse, status: number, errorType: string, message: string): void {
  res.setHeader('x-amzn-ErrorType', errorType);
  sendJson(res, status, { message });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res
    .writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
    })
    .end(body);
}

/**
 * Reads the request body, or reports it as too large past `limit` bytes. The rest of an
 * oversized body is drained rather than buffered, so the client still gets the 413.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
