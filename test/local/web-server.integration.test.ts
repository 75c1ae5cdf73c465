/**
 * The dev server's chat page over HTTP on the gateway's port: the fixed list of files with
 * their content types, the dev token endpoint (its validation, and that its token opens a
 * WebSocket as that user), the CSP naming the storage origin, and 404s for everything else, traversal attempts included.
 */
import { request } from 'node:http';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient } from '../support/chat-client.js';
import { startTestParley, TEST_JWT_SECRET, type TestParley } from '../support/parley.js';
import { uid } from '../support/services.js';

let parley: TestParley;
let base: string;

beforeAll(async () => {
  parley = await startTestParley({}, { web: true });
  base = parley.server.gateway.callbackUrl;
});
afterAll(() => parley.close());

/** A GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(path: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the chat page', () => {
  it.each([
    ['/', 'text/html; charset=utf-8', '<label for="join-name">'],
    ['/index.html', 'text/html; charset=utf-8', '<script type="module" src="/app.js">'],
    ['/styles.css', 'text/css; charset=utf-8', '.message-list'],
    ['/app.js', 'text/javascript; charset=utf-8', 'sourceMappingURL=app.js.map'],
    ['/app.js.map', 'application/json; charset=utf-8', '"mappings"'],
    ['/parley-client.js', 'text/javascript; charset=utf-8', 'export{'],
  ])('serves %s as %s', async (path, type, excerpt) => {
    const res = await fetch(`${base}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain(excerpt);
  });

  it('sends the page with a policy that allows no inline script', async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it("names the storage's origin (S3_ENDPOINT) where the page PUTs and loads images", async () => {
    // `npm run dev` and the tests hand the local S3's endpoint to the server this way.
    const withFiles = await startTestParley(
      { S3_ENDPOINT: 'http://127.0.0.1:39999/', S3_BUCKET: 'parley-files' },
      { web: true },
    );
    try {
      const res = await fetch(`${withFiles.server.gateway.callbackUrl}/`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("connect-src 'self' ws: wss: http://127.0.0.1:39999;");
      expect(csp).toContain("img-src 'self' data: http://127.0.0.1:39999;");
    } finally {
      await withFiles.close();
    }
    // Without storage, no origin beyond the page's own.
    const csp = (await fetch(`${base}/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("img-src 'self' data:;");
  });

  it('bundles the page for browsers: no Node built-ins, the ws package left out', async () => {
    const js = await (await fetch(`${base}/app.js`)).text();
    expect(js).not.toMatch(/from\s*["']node:/);
    expect(js).not.toContain('WebSocketServer');
    expect(parley.server.web?.sizes.appJs).toBe(Buffer.byteLength(js));
  });

  it('answers HEAD without a body and other methods with 405', async () => {
    const head = await fetch(`${base}/app.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${base}/`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it.each([
    '/web/app.ts',
    '/app.ts',
    '/render.js',
    '/../package.json',
    '/%2e%2e/package.json',
    '/styles.css/../../local/dev.ts',
    '/.data/jwt-secret',
  ])('answers 404 for %s', async (path) => {
    expect(await rawGet(path)).toBe(404);
  });

  it('still serves the management API beside the page', async () => {
    const res = await fetch(`${base}/@connections/nope`);
    expect(res.status).toBe(410);
  });
});

describe('GET /dev-token', () => {
  it.each([
    ['', 'no user'],
    ['?user=', 'an empty name'],
    ['?user=al%20ice', 'a space'],
    ['?user=%3Cb%3E', 'markup'],
    [`?user=${'a'.repeat(65)}`, '65 characters'],
  ])('refuses %s (%s) with 400', async (query) => {
    const res = await fetch(`${base}/dev-token${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toMatchObject({ code: 'bad_request' });
  });

  it('signs a token for the name that opens a connection as that user', async () => {
    const user = `web_${uid('u').replace(/[^A-Za-z0-9_-]/g, '')}`.slice(0, 64);
    const res = await fetch(`${base}/dev-token?user=${user}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { userId: string; token: string };
    expect(body.userId).toBe(user);
    const { payload } = await jwtVerify(body.token, new TextEncoder().encode(TEST_JWT_SECRET));
    expect(payload.sub).toBe(user);
    expect(typeof payload.exp).toBe('number');

    const client = await ChatClient.connect(parley.url, body.token);
    try {
      const joined = await client.join(uid('web-room'));
      expect(joined).toMatchObject({ type: 'room_history', online: [user] });
    } finally {
      client.socket.close();
    }
  });
});
