/**
 * Which Redis a test run uses, decided once from the environment and the machine, by the
 * Vitest config (which files can run) and the global setup (which server to start):
 * - `REDIS_URL` set: that Redis; every test keeps to keys under a prefix of its own.
 * - CI (`CI=true`): `REDIS_URL` and `DATABASE_URL` are required; a run without them fails
 *   at once, so CI can never pass on a stand-in.
 * - otherwise, `redis-server` on the PATH: a server the run starts on a free port and
 *   stops after. Never 127.0.0.1:6379 unasked: that is where a developer keeps real data.
 * - otherwise: the end-to-end tests use the in-process stand-in, and the files that need a
 *   real Redis or start their own do not run, named in one notice line.
 */
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type Env = Record<string, string | undefined>;

export type RedisPlan = { kind: 'given'; url: string } | { kind: 'own' } | { kind: 'stand-in' };

/** A setup failure that prints as its one line, with no stack trace under it. */
export class TestSetupError extends Error {
  override readonly name = 'TestSetupError';
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

/** `CI=true` (or any value but `false`/`0`), as CI services set it. */
export function isCi(env: Env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** CI tests the real services: it must not fall back to embedded ones or the stand-in. */
export function requireCiServices(env: Env): void {
  if (!isCi(env)) return;
  const missing = ['DATABASE_URL', 'REDIS_URL'].filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new TestSetupError(
      `CI=true needs the real services: set ${missing.join(' and ')} ` +
        '(.ci/run starts them), or unset CI to let npm test start its own',
    );
  }
}

/** Whether an executable `name` is on `searchPath` (a PATH value). */
export function onPath(name: string, searchPath: string | undefined): boolean {
  for (const dir of (searchPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

export function chooseRedis(env: Env, redisServerInstalled: boolean): RedisPlan {
  if (env.REDIS_URL) return { kind: 'given', url: env.REDIS_URL };
  requireCiServices(env);
  return redisServerInstalled ? { kind: 'own' } : { kind: 'stand-in' };
}

/** What a test file needs beyond Node.js, read from the helpers it calls. */
export interface RedisNeeds {
  /** A Redis at the run's address (`testRedis()`, `testRedisUrl()`). */
  redis: boolean;
  /** The `redis-server` binary: it starts servers of its own to stop, freeze or cluster. */
  redisServer: boolean;
}

export function redisNeeds(source: string): RedisNeeds {
  return {
    redis: /\btestRedis(Url)?\(|inject\(\s*['"]redisUrl['"]\s*\)/.test(source),
    redisServer: /\b(startRedisServer|startRedisCluster|startTestRedis)\(/.test(source),
  };
}

/** Test files under `dir`, relative to `root`, with forward slashes, sorted. */
export function testFiles(root: string, dir = 'test'): string[] {
  const entries = readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) =>
      path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    )
    .sort();
}

/** The test files this run cannot serve: none in CI, which must fail rather than skip. */
export function filesNotRun(
  env: Env,
  redisServerInstalled: boolean,
  files: { file: string; source: string }[],
): string[] {
  if (isCi(env)) return [];
  const plan = chooseRedis(env, redisServerInstalled);
  return files
    .filter(({ source }) => {
      const needs = redisNeeds(source);
      return (
        (needs.redis && plan.kind === 'stand-in') || (needs.redisServer && !redisServerInstalled)
      );
    })
    .map(({ file }) => file);
}

/** The plan for this checkout and this machine. */
export function testPlan(root: string, env: Env = process.env) {
  const redisServerInstalled = onPath('redis-server', env.PATH);
  const files = testFiles(root).map((file) => ({
    file,
    source: readFileSync(path.join(root, file), 'utf8'),
  }));
  return { redisServerInstalled, notRun: filesNotRun(env, redisServerInstalled, files) };
}

/** `host:port` of a Redis URL: a notice must not print the password a URL may carry. */
export function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return 'an unparsable REDIS_URL';
  }
}

/** The one line a run prints about Redis; `url` is the server it started, for `own`. */
export function redisNotice(plan: RedisPlan, notRun: string[], url?: string): string {
  const where =
    plan.kind === 'given'
      ? `REDIS_URL (${redisAddress(plan.url)}), each test under a key prefix of its own`
      : plan.kind === 'own'
        ? `REDIS_URL not set; started redis-server on ${url ? redisAddress(url) : 'a free port'} for this run`
        : 'REDIS_URL not set and no redis-server on the PATH: the end-to-end tests use the ' +
          'in-process stand-in (functions/stores/memory/room-cache.ts)';
  if (notRun.length === 0) return `Redis: ${where}`;
  return (
    `Redis: ${where}; NOT RUN, they need ${plan.kind === 'stand-in' ? 'a real Redis or ' : ''}` +
    `redis-server (Debian: apt-get install redis-server): ${notRun.join(', ')}`
  );
}
