/**
 * AWS Signature Version 4 as S3 checks it, for the dev server's S3 stand-in: a presigned
 * URL (the signature in the query) or a signed request (the `Authorization` header), over
 * the request exactly as it arrived. Written from AWS's "Signature Version 4 signing
 * process" and "Authenticating Requests: Using Query Parameters" pages; the tests check it
 * against what @aws-sdk/client-s3 and @aws-sdk/s3-request-presigner send.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** How far a signed request's date may be from the server's clock (S3: 15 minutes). */
const MAX_SKEW_MS = 15 * 60 * 1000;
/** The longest a presigned URL may live (S3: 7 days). */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

/** Why a request is refused, as S3 answers it: a 403 with one of these codes. */
export class SignatureError extends Error {
  override readonly name = 'SignatureError';
  constructor(
    readonly code:
      | 'AccessDenied'
      | 'SignatureDoesNotMatch'
      | 'InvalidAccessKeyId'
      | 'AuthorizationQueryParametersError'
      | 'RequestTimeTooSkewed',
    message: string,
  ) {
    super(message);
  }
}

export interface SignedRequest {
  method: string;
  /** The request target as received: raw path and query. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** What a verified request said about its body: the hash it signed, or unsigned. */
export interface Verified {
  /** A hex SHA-256 the body must have, or `UNSIGNED-PAYLOAD`. */
  payloadHash: string;
}

/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalQuery(rawQuery: string, without: string | undefined): string {
  if (!rawQuery) return '';
  const pairs = rawQuery
    .split('&')
    .filter(Boolean)
    .map((part) => {
      const at = part.indexOf('=');
      const name = decodeURIComponent(at < 0 ? part : part.slice(0, at));
      const value = at < 0 ? '' : decodeURIComponent(part.slice(at + 1));
      return [uriEncode(name), uriEncode(value)] as const;
    })
    .filter(([name]) => name !== without);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value.join(',') : value).trim().replace(/\s+/g, ' ');
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer | string, text: string) =>
  createHmac('sha256', key).update(text, 'utf8').digest();

/** `20261206T232527Z` as a time. */
function parseAmzDate(text: string | undefined): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!m) return Number.NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

interface Parts {
  accessKeyId: string;
  scope: string;
  date: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  payloadHash: string;
}

function credentialParts(credential: string): { accessKeyId: string; scope: string; date: string } {
  const [accessKeyId, date, region, service, terminator, ...rest] = credential.split('/');
  if (
    !accessKeyId ||
    !date ||
    !region ||
    service !== 's3' ||
    terminator !== 'aws4_request' ||
    rest.length
  ) {
    throw new SignatureError('AuthorizationQueryParametersError', 'Malformed credential');
  }
  return { accessKeyId, date, scope: `${date}/${region}/${service}/${terminator}` };
}

function presignedParts(query: URLSearchParams, now: number): Parts {
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) {
    throw new SignatureError(
      'AuthorizationQueryParametersError',
      `X-Amz-Algorithm must be ${ALGORITHM}`,
    );
  }
  const amzDate = query.get('X-Amz-Date') ?? '';
  const expires = Number(query.get('X-Amz-Expires'));
  const signedAt = parseAmzDate(amzDate);
  if (
    !Number.isInteger(expires) ||
    expires < 1 ||
    expires > MAX_EXPIRES_SECONDS ||
    Number.isNaN(signedAt)
  ) {
    throw new SignatureError(
      'AuthorizationQueryParametersError',
      'X-Amz-Date or X-Amz-Expires is invalid',
    );
  }
  if (now > signedAt + expires * 1000)
    throw new SignatureError('AccessDenied', 'Request has expired');
  if (signedAt - now > MAX_SKEW_MS) {
    throw new SignatureError('RequestTimeTooSkewed', 'The request is signed in the future');
  }
  return {
    ...credentialParts(query.get('X-Amz-Credential') ?? ''),
    amzDate,
    signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';'),
    signature: query.get('X-Amz-Signature') ?? '',
    payloadHash: query.get('X-Amz-Content-Sha256') ?? UNSIGNED_PAYLOAD,
  };
}

function headerParts(authorization: string, headers: IncomingHttpHeaders, now: number): Parts {
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      authorization.trim(),
    );
  if (!m) throw new SignatureError('AccessDenied', 'Unsupported Authorization header');
  const amzDate = headerValue(headers, 'x-amz-date') ?? '';
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt) || Math.abs(now - signedAt) > MAX_SKEW_MS) {
    throw new SignatureError('RequestTimeTooSkewed', 'x-amz-date is missing or too far from now');
  }
  return {
    ...credentialParts(m[1]!),
    amzDate,
    signedHeaders: m[2]!.split(';'),
    signature: m[3]!,
    payloadHash: headerValue(headers, 'x-amz-content-sha256') ?? UNSIGNED_PAYLOAD,
  };
}

/**
 * Checks the request's signature with the secret of its access key; throws a
 * `SignatureError` as S3 would refuse it. A signed request must sign `host`, and every
 * header it names must be present with the value signed (so a PUT's `content-length` and
 * `content-type`, when signed, bind its size and type).
 */
export function verifySignature(
  request: SignedRequest,
  secrets: ReadonlyMap<string, string>,
  now = Date.now(),
): Verified {
  const at = request.url.indexOf('?');
  const path = at < 0 ? request.url : request.url.slice(0, at);
  const rawQuery = at < 0 ? '' : request.url.slice(at + 1);
  const query = new URLSearchParams(rawQuery);
  const authorization = headerValue(request.headers, 'authorization');
  const presigned = query.has('X-Amz-Signature');
  if (!presigned && !authorization)
    throw new SignatureError('AccessDenied', 'Anonymous access is not allowed');
  const parts = presigned
    ? presignedParts(query, now)
    : headerParts(authorization ?? '', request.headers, now);
  const secret = secrets.get(parts.accessKeyId);
  if (secret === undefined) {
    throw new SignatureError('InvalidAccessKeyId', 'The access key does not exist');
  }
  if (!parts.amzDate.startsWith(parts.date) || !parts.signedHeaders.includes('host')) {
    throw new SignatureError(
      'AuthorizationQueryParametersError',
      'The scope or signed headers are invalid',
    );
  }
  const canonicalHeaders = parts.signedHeaders.map((name) => {
    const value = headerValue(request.headers, name);
    if (value === undefined) {
      throw new SignatureError('SignatureDoesNotMatch', `Signed header ${name} is missing`);
    }
    return `${name}:${value}\n`;
  });
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery(rawQuery, presigned ? 'X-Amz-Signature' : undefined),
    canonicalHeaders.join(''),
    parts.signedHeaders.join(';'),
    parts.payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, parts.amzDate, parts.scope, sha256(canonicalRequest)].join('\n');
  const [date, region, service] = parts.scope.split('/') as [string, string, string];
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(parts.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignatureError(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided',
    );
  }
  return { payloadHash: parts.payloadHash };
}
