/**
 * `/@virtual/...`: virtual connections driven over HTTP by another process (a benchmark
 * that starts `npm run dev` as a user does): open, send, close, received counts and
 * watchers, as local/gateway/README.md ("Virtual connections") lists them. Dev only:
 * served when the gateway is started with `virtualControl: true`, to loopback clients only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from './http-io.js';
import type { FrameWatcher, VirtualConnections } from './virtual-connections.js';

const PREFIX = '/@virtual/';
/** 100,000 tokens of a few hundred bytes each fit. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export function isVirtualControlPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(PREFIX);
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Serves one control request; the watchers it creates live in `watchers`. */
export class VirtualControl {
  private readonly watchers = new Map<string, FrameWatcher>();
  private nextWatcherId = 1;

  constructor(private readonly virtual: VirtualConnections) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!isLoopback(req.socket.remoteAddress)) {
        throw new BadRequest('The virtual connections API answers loopback clients only', 403);
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname.slice(PREFIX.length);
      const method = req.method ?? 'GET';
      if (method !== 'POST') req.resume();
      const body = method === 'POST' ? await readJson(req) : {};
      const answer = await this.route(method, path, url.searchParams, body, res);
      if (!res.headersSent) sendJson(res, 200, answer);
    } catch (error) {
      if (res.headersSent) return;
      if (error instanceof BadRequest) sendJson(res, error.status, { message: error.message });
      else throw error;
    }
  }

  private async route(
    method: string,
    path: string,
    query: URLSearchParams,
    body: Record<string, unknown>,
    res: ServerResponse,
  ): Promise<unknown> {
    if (method === 'POST' && path === 'open') {
      return this.virtual.open(optionalCount(body.count), {
        ...(body.token === undefined ? {} : { token: string(body.token, 'token') }),
        ...(body.tokens === undefined ? {} : { tokens: strings(body.tokens, 'tokens') }),
        ...concurrency(body),
      });
    }
    if (method === 'POST' && path === 'send') {
      const ids = strings(body.connectionIds, 'connectionIds');
      return this.virtual.sendMany(ids, string(body.frame, 'frame'), concurrency(body));
    }
    if (method === 'POST' && path === 'close') {
      return this.virtual.closeMany(
        strings(body.connectionIds, 'connectionIds'),
        concurrency(body),
      );
    }
    if (method === 'POST' && path === 'received') {
      const ids = strings(body.connectionIds, 'connectionIds');
      return { received: ids.map((id) => this.virtual.received(id) ?? null) };
    }
    if (method === 'POST' && path === 'watchers') {
      const watcherId = String(this.nextWatcherId++);
      this.watchers.set(watcherId, this.virtual.watch(string(body.marker, 'marker')));
      return { watcherId };
    }
    const watcherId = /^watchers\/([^/]+)$/.exec(path)?.[1];
    const watcher = watcherId === undefined ? undefined : this.watchers.get(watcherId);
    if (watcherId !== undefined && !watcher) throw new BadRequest('No such watcher', 404);
    if (watcher && method === 'GET') {
      const connections = query.get('connections');
      if (connections === null) return watcher.snapshot();
      const timeout = query.get('timeoutMs');
      return watcher.until(
        count(Number(connections), 'connections'),
        timeout === null ? undefined : count(Number(timeout), 'timeoutMs'),
      );
    }
    if (watcher && watcherId !== undefined && method === 'DELETE') {
      watcher.stop();
      this.watchers.delete(watcherId);
      res.writeHead(204).end();
      return undefined;
    }
    throw new BadRequest(`No ${method} /@virtual/${path}`, 404);
  }

  /** Stops every watcher (the gateway is closing). */
  close(): void {
    for (const watcher of this.watchers.values()) watcher.stop();
    this.watchers.clear();
  }
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6: the only clients the API answers. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4 === '::1' || v4.startsWith('127.');
}

function string(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new BadRequest(`${name} must be a string`);
  return value;
}

function strings(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new BadRequest(`${name} must be an array of strings`);
  }
  return value as string[];
}

function count(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new BadRequest(`${name} must be a whole number`);
  }
  return value;
}

function optionalCount(value: unknown): number | undefined {
  return value === undefined ? undefined : count(value, 'count');
}

function concurrency(body: Record<string, unknown>): { concurrency?: number } {
  if (body.concurrency === undefined) return {};
  const value = count(body.concurrency, 'concurrency');
  if (value === 0) throw new BadRequest('concurrency must be at least 1');
  return { concurrency: value };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === 'too-large') throw new BadRequest('Body too large', 413);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new BadRequest('The body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequest('The body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
