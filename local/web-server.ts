/**
 * The dev server's chat page (web/), answered on the gateway's port as its HTTP fallback:
 * a fixed list of files, the page's script bundled by esbuild in memory at start, and a
 * dev-only token endpoint so the page can sign in by name. Nothing is read from disk by a
 * request's path, so no path can reach outside this list.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { signDevToken } from '../functions/auth/sign-token.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB_DIR = path.join(ROOT, 'web');

/** The same rule as a room id: what the page lets people call themselves. */
export const DEV_USER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** How long a dev token from `/dev-token` lasts. */
const DEV_TOKEN_TTL = '12h';

interface Asset {
  type: string;
  body: Buffer;
  headers?: Record<string, string>;
}

export interface WebPage {
  /**
   * Answers the request when its path is one of the page's; returns false (and leaves the
   * request alone) otherwise.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Bytes of each bundle, for the start-up log and the tests. */
  sizes: { appJs: number; clientJs: number };
}

export interface WebPageOptions {
  /** The HS256 secret the dev tokens are signed with: the one the authorizer verifies. */
  jwtSecret: string;
  /**
   * Origins of the object storage the page PUTs uploads to and shows images from (the
   * local S3-compatible server, `http://127.0.0.1:PORT`): allowed by the page's CSP.
   */
  storageOrigins?: readonly string[];
}

/**
 * The origin of `S3_ENDPOINT` (path-style, so signed URLs start with it), as the page's
 * CSP names it; none when unset (on AWS the page is not served by this server).
 */
export function storageOrigins(endpoint: string | undefined): string[] {
  if (!endpoint) return [];
  try {
    return [new URL(endpoint).origin];
  } catch {
    throw new Error(`S3_ENDPOINT is not a URL: ${endpoint}`);
  }
}

// The page connects back to the same host and port; `ws:`/`wss:` because `'self'` does not
// cover WebSocket schemes in every browser. No inline script or style anywhere.
function pageCsp(storage: readonly string[] = []): string {
  const extra = storage.map((origin) => ` ${origin}`).join('');
  return [
    "default-src 'self'",
    `connect-src 'self' ws: wss:${extra}`,
    `img-src 'self' data:${extra}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Bundles a browser entry into one minified ES module with a linked source map. */
async function bundle(entry: string, outName: string): Promise<{ js: Buffer; map: Buffer }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    sourcesContent: true,
    // The SDK falls back to the `ws` package only where there is no global WebSocket (Node);
    // a browser always has one, so the package never belongs in a page's bundle.
    external: ['ws'],
    outfile: outName,
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const map = result.outputFiles.find((file) => file.path.endsWith('.js.map'));
  if (!js || !map) throw new Error(`esbuild produced no bundle for ${entry}`);
  return { js: Buffer.from(js.contents), map: Buffer.from(map.contents) };
}

/** Reads web/ and bundles the page's script; fails at start, not on the first request. */
export async function buildWebPage(options: WebPageOptions): Promise<WebPage> {
  const csp = pageCsp(options.storageOrigins);
  const [html, css, app, client] = await Promise.all([
    readFile(path.join(WEB_DIR, 'index.html')),
    readFile(path.join(WEB_DIR, 'styles.css')),
    bundle(path.join(WEB_DIR, 'app.ts'), 'app.js'),
    // The SDK on its own, for pages of one's own (see the SDK's README).
    bundle(path.join(ROOT, 'client', 'index.ts'), 'parley-client.js'),
  ]);
  const js = 'text/javascript; charset=utf-8';
  const map = 'application/json; charset=utf-8';
  const assets = new Map<string, Asset>([
    [
      '/',
      {
        type: 'text/html; charset=utf-8',
        body: html,
        headers: { 'Content-Security-Policy': csp },
      },
    ],
    [
      '/index.html',
      {
        type: 'text/html; charset=utf-8',
        body: html,
        headers: { 'Content-Security-Policy': csp },
      },
    ],
    ['/styles.css', { type: 'text/css; charset=utf-8', body: css }],
    ['/app.js', { type: js, body: app.js }],
    ['/app.js.map', { type: map, body: app.map }],
    ['/parley-client.js', { type: js, body: client.js }],
    ['/parley-client.js.map', { type: map, body: client.map }],
  ]);

  const devToken = async (url: URL, res: ServerResponse) => {
    const user = url.searchParams.get('user') ?? '';
    if (!DEV_USER_PATTERN.test(user)) {
      return sendJson(res, 400, {
        code: 'bad_request',
        message: 'user must be 1 to 64 letters, digits, "_" or "-"',
      });
    }
    const token = await signDevToken(options.jwtSecret, user, { expiresIn: DEV_TOKEN_TTL });
    sendJson(res, 200, { userId: user, token });
  };

  return {
    sizes: { appJs: app.js.length, clientJs: client.js.length },
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const asset = assets.get(url.pathname);
      if (!asset && url.pathname !== '/dev-token') return false;
      req.resume(); // no request here has a body worth reading
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: 'method_not_allowed', message: 'Use GET' }));
        return true;
      }
      if (asset) {
        res.writeHead(200, {
          'Content-Type': asset.type,
          'Content-Length': asset.body.length,
          // A dev server: every reload should see the files as they were built at start.
          'Cache-Control': 'no-cache',
          'X-Content-Type-Options': 'nosniff',
          ...asset.headers,
        });
        res.end(req.method === 'HEAD' ? undefined : asset.body);
        return true;
      }
      devToken(url, res).catch((error: unknown) => {
        console.error('[web] dev token failed:', error);
        if (!res.headersSent) sendJson(res, 500, { code: 'internal', message: 'Internal error' });
        else res.end();
      });
      return true;
    },
  };
}

/** The gateway's own answer for a path nobody serves. */
export function notFound(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  sendJson(res, 404, { message: 'Not Found' });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    // Tokens must not land in any cache.
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}
