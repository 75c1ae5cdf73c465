/**
 * A minimal S3-compatible server for `npm run dev` and the tests: PUT, GET, HEAD and DELETE
 * of objects in one bucket, path-style (`/{bucket}/{key}`), each request's SigV4 signature
 * checked as S3 checks it (presigned URLs and signed headers, expiry, a body that must match
 * its signed length and hash), CORS for the chat page, and a hook after each PUT (S3's
 * event notification: the thumbnail worker). Why not s3rver: docs/decisions/2026-12-06-files.md.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { ObjectFiles, type ObjectInfo } from './object-files.js';
import { SignatureError, UNSIGNED_PAYLOAD, verifySignature } from './sigv4.js';

/** S3's largest single PUT. */
const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface LocalS3Options {
  /** Where objects are kept: `DATA_DIR/objects`. */
  dir: string;
  bucket: string;
  /** Access key id -> secret; the SDK's local credentials are `local`/`local`. */
  credentials?: ReadonlyMap<string, string>;
  /** `Access-Control-Allow-Origin` (the bucket's CORS rule); default `*`. */
  corsOrigin?: string;
  /** S3's ObjectCreated notification: called after each PUT, not awaited by it. */
  onObjectCreated?: (event: { bucket: string; key: string; size: number }) => Promise<void>;
  /** Reports a failure of `onObjectCreated` (the server goes on). */
  onError?: (error: unknown) => void;
}

export interface LocalS3 {
  server: Server;
  /** `http://127.0.0.1:{port}`: `S3_ENDPOINT`. */
  endpoint: string;
  /** Resolves once every `onObjectCreated` started so far has finished. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const LOCAL_S3_CREDENTIALS: ReadonlyMap<string, string> = new Map([['local', 'local']]);

function xmlError(res: ServerResponse, status: number, code: string, message: string): void {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
    `<Message>${message.replace(/[<&>]/g, '')}</Message></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml' });
  // HEAD answers carry no body; S3 sends the status alone.
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function objectHeaders(info: ObjectInfo): Record<string, string> {
  return {
    'content-type': info.contentType,
    'content-length': String(info.size),
    etag: info.etag,
    'last-modified': new Date(info.lastModified).toUTCString(),
    ...(info.contentDisposition ? { 'content-disposition': info.contentDisposition } : {}),
    ...Object.fromEntries(
      Object.entries(info.metadata).map(([name, value]) => [`x-amz-meta-${name}`, value]),
    ),
  };
}

function corsHeaders(req: IncomingMessage, origin: string): Record<string, string> {
  if (!req.headers.origin) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'ETag',
    ...(origin === '*' ? {} : { vary: 'Origin' }),
  };
}

export async function startLocalS3(
  options: LocalS3Options,
  port = 0,
  host = '127.0.0.1',
): Promise<LocalS3> {
  const files = new ObjectFiles(options.dir);
  const secrets = options.credentials ?? LOCAL_S3_CREDENTIALS;
  const origin = options.corsOrigin ?? '*';
  const pending = new Set<Promise<void>>();

  async function put(req: IncomingMessage, res: ServerResponse, key: string, payloadHash: string) {
    const declared = Number(req.headers['content-length']);
    if (!Number.isInteger(declared) || declared < 0) {
      xmlError(
        res,
        411,
        'MissingContentLength',
        'You must provide the Content-Length HTTP header.',
      );
      return;
    }
    if (declared > MAX_PUT_BYTES) {
      xmlError(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
      return;
    }
    const temp = await files.tempPath(options.bucket);
    const sha = createHash('sha256');
    const md5 = createHash('md5');
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      sha.update(chunk);
      md5.update(chunk);
    });
    try {
      await pipeline(req, createWriteStream(temp));
    } catch {
      await files.discard(temp);
      return; // the client went away mid-body: nothing stored
    }
    // Node's parser reads exactly Content-Length bytes; a shorter body aborts above.
    if (
      size !== declared ||
      (payloadHash !== UNSIGNED_PAYLOAD && sha.digest('hex') !== payloadHash)
    ) {
      await files.discard(temp);
      xmlError(res, 400, 'XAmzContentSHA256Mismatch', 'The body does not match what was signed');
      return;
    }
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith('x-amz-meta-') && typeof value === 'string') {
        metadata[name.slice('x-amz-meta-'.length)] = value;
      }
    }
    const disposition = req.headers['content-disposition'];
    const info: ObjectInfo = {
      size,
      contentType: req.headers['content-type'] ?? 'application/octet-stream',
      ...(disposition ? { contentDisposition: disposition } : {}),
      metadata,
      etag: `"${md5.digest('hex')}"`,
      lastModified: new Date().toISOString(),
    };
    await files.commit(options.bucket, key, temp, info);
    res.writeHead(200, { etag: info.etag, ...corsHeaders(req, origin) });
    res.end();
    if (options.onObjectCreated) {
      const run = options
        .onObjectCreated({ bucket: options.bucket, key, size })
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => pending.delete(run));
      pending.add(run);
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      // A CORS preflight: S3 answers it without a signature.
      res.writeHead(200, {
        ...corsHeaders(req, origin),
        'access-control-allow-methods': 'GET, PUT, HEAD',
        'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
        'access-control-max-age': '3000',
      });
      res.end();
      return;
    }
    const target = req.url ?? '/';
    const path = target.split('?')[0] ?? '/';
    const slash = path.indexOf('/', 1);
    const bucket = decodeURIComponent(path.slice(1, slash < 0 ? undefined : slash));
    const key = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1));
    if (bucket !== options.bucket) {
      xmlError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      return;
    }
    if (!key) {
      xmlError(res, 501, 'NotImplemented', 'Only object requests are implemented');
      return;
    }
    let payloadHash: string;
    try {
      ({ payloadHash } = verifySignature({ method, url: target, headers: req.headers }, secrets));
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      req.resume();
      xmlError(res, 403, error.code, error.message);
      return;
    }
    if (method === 'PUT') return put(req, res, key, payloadHash);
    if (method === 'DELETE') {
      await files.remove(options.bucket, key);
      res.writeHead(204, corsHeaders(req, origin));
      res.end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      xmlError(res, 405, 'MethodNotAllowed', `${method} is not implemented`);
      return;
    }
    const info = await files.info(options.bucket, key);
    if (!info) {
      xmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    res.writeHead(200, { ...objectHeaders(info), ...corsHeaders(req, origin) });
    if (method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(files.read(options.bucket, key), res);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) xmlError(res, 500, 'InternalError', 'We encountered an internal error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    server,
    endpoint: `http://${host}:${bound}`,
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
