/**
 * The WebSocket upgrade request as API Gateway presents it to the authorizer and $connect,
 * and the plain HTTP answer that refuses a handshake.
 */
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HandshakeRequest } from './events.js';
import { newTraceId } from './ids.js';

/** The client's address without the IPv4-mapped IPv6 prefix, as AWS reports it. */
export function sourceIpOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

/** A request `ws` would accept: checked before $connect runs, so a bad one never reaches it. */
export function isValidUpgrade(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  return (
    req.method === 'GET' &&
    req.headers.upgrade?.toLowerCase() === 'websocket' &&
    typeof key === 'string' &&
    /^[+/0-9A-Za-z]{22}==$/.test(key) &&
    req.headers['sec-websocket-version'] === '13'
  );
}

/**
 * Headers keep the client's spelling and order (AWS does not lower-case them); `headers`
 * holds the last value of a repeated header and `multiValueHeaders` all of them. API
 * Gateway adds the forwarding headers and a trace id, so they are added here too.
 */
export function parseHandshake(
  req: IncomingMessage,
  sourceIp: string,
  now: number,
): HandshakeRequest {
  const multiValueHeaders: Record<string, string[]> = {};
  const names = new Map<string, string>(); // lower-case -> first spelling seen
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const rawName = req.rawHeaders[i] ?? '';
    const value = req.rawHeaders[i + 1] ?? '';
    const name = names.get(rawName.toLowerCase()) ?? rawName;
    names.set(rawName.toLowerCase(), name);
    pushValue(multiValueHeaders, name, value);
  }
  const add = (name: string, value: string) => {
    const existing = names.get(name.toLowerCase());
    if (existing === undefined) multiValueHeaders[name] = [value];
  };
  const forwardedFor = names.get('x-forwarded-for');
  if (forwardedFor !== undefined) {
    const values = multiValueHeaders[forwardedFor] ?? [];
    multiValueHeaders[forwardedFor] = [`${values.join(', ')}, ${sourceIp}`];
  } else {
    add('X-Forwarded-For', sourceIp);
  }
  add('X-Forwarded-Port', String(req.socket.localPort ?? ''));
  add('X-Forwarded-Proto', 'http');
  add('X-Amzn-Trace-Id', newTraceId(now));
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    headers[name] = values[values.length - 1] ?? '';
  }

  const search = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of search) pushValue(multiValueQuery, name, value);
  const hasQuery = Object.keys(multiValueQuery).length > 0;
  const query: Record<string, string> = {};
  for (const [name, values] of Object.entries(multiValueQuery)) {
    query[name] = values[values.length - 1] ?? '';
  }
  return {
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : undefined,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : undefined,
  };
}

function pushValue(map: Record<string, string[]>, name: string, value: string): void {
  const values = map[name];
  if (values) values.push(value);
  else map[name] = [value];
}

/** The body AWS sends with each refusal status it produces itself. */
const REFUSAL_MESSAGES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  500: 'Internal server error',
};

/** The header (a local extension; AWS answers a bare 401) saying why a token was refused. */
export const REFUSAL_HEADER = 'X-Parley-Refusal';

/**
 * Answers the upgrade with a plain HTTP status: no WebSocket opens. `refusal` (printable
 * ASCII, from the authorizer or the gateway) says why, in a header and in the body.
 */
export function refuseHandshake(socket: Duplex, status: number, refusal?: string): void {
  if (socket.destroyed) return;
  const reasonPhrase = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({
    message: REFUSAL_MESSAGES[status] ?? reasonPhrase,
    ...(refusal === undefined ? {} : { reason: refusal }),
  });
  socket.end(
    `HTTP/1.1 ${status} ${reasonPhrase}\r\n` +
      'Content-Type: application/json\r\n' +
      (refusal === undefined ? '' : `${REFUSAL_HEADER}: ${refusal}\r\n`) +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/**
 * The handshake of a virtual connection (no socket): what a plain client connecting to
 * `host` with `?token=` sends, with the headers API Gateway adds.
 */
export function virtualHandshake(
  host: string,
  token: string | undefined,
  userAgent: string,
  now: number,
): HandshakeRequest {
  const headers: Record<string, string> = {
    Host: host,
    'User-Agent': userAgent,
    'X-Forwarded-For': '127.0.0.1',
    'X-Forwarded-Port': host.split(':').pop() ?? '',
    'X-Forwarded-Proto': 'http',
    'X-Amzn-Trace-Id': newTraceId(now),
  };
  const multiValueHeaders = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, [value]]),
  );
  return {
    headers,
    multiValueHeaders,
    queryStringParameters: token === undefined ? undefined : { token },
    multiValueQueryStringParameters: token === undefined ? undefined : { token: [token] },
  };
}
