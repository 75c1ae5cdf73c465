/**
 * Which Redis `npm test` uses: never a developer's own 127.0.0.1:6379 unasked, a server of
 * its own when redis-server is installed, the stand-in (with the files that cannot run
 * named) when not, and in CI the real services or a one-line failure.
 */
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chooseRedis,
  filesNotRun,
  onPath,
  redisNeeds,
  redisNotice,
  requireCiServices,
  TestSetupError,
  testFiles,
} from '../support/redis-plan.js';

const DB = 'postgres://postgres@127.0.0.1:5432/x';

describe('chooseRedis', () => {
  it('starts a Redis of its own when REDIS_URL is not set and redis-server is installed', () => {
    expect(chooseRedis({}, true)).toEqual({ kind: 'own' });
  });

  it('uses the in-process stand-in when there is neither', () => {
    expect(chooseRedis({}, false)).toEqual({ kind: 'stand-in' });
  });

  it('uses REDIS_URL when it is set', () => {
    const url = 'redis://127.0.0.1:7000';
    expect(chooseRedis({ REDIS_URL: url }, true)).toEqual({ kind: 'given', url });
    expect(chooseRedis({ REDIS_URL: url, CI: 'true' }, false)).toEqual({ kind: 'given', url });
  });

  it('never falls back to 127.0.0.1:6379', () => {
    for (const installed of [true, false]) {
      expect(JSON.stringify(chooseRedis({ DATABASE_URL: DB }, installed))).not.toContain('6379');
    }
  });

  it('refuses a CI run without REDIS_URL rather than start its own', () => {
    expect(() => chooseRedis({ CI: 'true', DATABASE_URL: DB }, true)).toThrow(TestSetupError);
  });
});

describe('requireCiServices', () => {
  it('names every missing service in one line', () => {
    let error: unknown;
    try {
      requireCiServices({ CI: 'true' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TestSetupError);
    const { message, stack } = error as Error;
    expect(message).toMatch(/DATABASE_URL and REDIS_URL/);
    expect(`${stack}`.split('\n')).toHaveLength(1);
  });

  it('lets CI through with both, and any run that is not CI', () => {
    expect(() =>
      requireCiServices({ CI: 'true', DATABASE_URL: DB, REDIS_URL: 'redis://h:1' }),
    ).not.toThrow();
    for (const CI of [undefined, '', 'false', '0'])
      expect(() => requireCiServices({ CI })).not.toThrow();
    expect(() => requireCiServices({ CI: '1', REDIS_URL: 'redis://h:1' })).toThrow(/DATABASE_URL/);
  });
});

describe('which files a run leaves out', () => {
  const files = [
    { file: 'plain.test.ts', source: 'startTestParley({}); expect(1).toBe(1)' },
    { file: 'cache.test.ts', source: 'const redis = testRedis();' },
    { file: 'url.test.ts', source: 'new Redis(testRedisUrl())' },
    { file: 'faults.test.ts', source: 'const server = await startRedisServer();' },
    { file: 'cluster.test.ts', source: 'await startRedisCluster(3)' },
  ];

  it('reads what a file needs from the helpers it calls', () => {
    expect(redisNeeds(files[0]!.source)).toEqual({ redis: false, redisServer: false });
    expect(redisNeeds(files[1]!.source)).toEqual({ redis: true, redisServer: false });
    expect(redisNeeds(files[2]!.source)).toEqual({ redis: true, redisServer: false });
    expect(redisNeeds(files[3]!.source)).toEqual({ redis: false, redisServer: true });
  });

  it('runs everything when redis-server is installed', () => {
    expect(filesNotRun({}, true, files)).toEqual([]);
    expect(filesNotRun({ REDIS_URL: 'redis://h:1' }, true, files)).toEqual([]);
  });

  it('without redis-server or REDIS_URL, leaves out every file that needs a real Redis', () => {
    expect(filesNotRun({}, false, files)).toEqual([
      'cache.test.ts',
      'url.test.ts',
      'faults.test.ts',
      'cluster.test.ts',
    ]);
  });

  it('with REDIS_URL but no redis-server, leaves out only the files that start servers', () => {
    expect(filesNotRun({ REDIS_URL: 'redis://h:1' }, false, files)).toEqual([
      'faults.test.ts',
      'cluster.test.ts',
    ]);
  });

  it('leaves out nothing in CI: a missing binary fails there', () => {
    expect(filesNotRun({ CI: 'true', REDIS_URL: 'redis://h:1' }, false, files)).toEqual([]);
  });

  it("classifies this checkout's own Redis tests", () => {
    const all = testFiles(process.cwd());
    expect(all).toContain('test/setup/redis-plan.test.ts');
    expect(all).toContain('test/functions/stores/memory/room-cache-contract.test.ts');
    const left = filesNotRun(
      {},
      false,
      all.map((file) => ({ file, source: readSource(file) })),
    );
    expect(left).toEqual(
      expect.arrayContaining([
        'test/functions/stores/redis/room-cache.integration.test.ts',
        'test/functions/stores/redis/room-cache-cluster.integration.test.ts',
        'test/functions/stores/redis/faults.integration.test.ts',
        'test/functions/stores/redis/flush.integration.test.ts',
      ]),
    );
    expect(left).not.toContain('test/functions/stores/memory/room-cache-contract.test.ts');
    expect(left).not.toContain('test/local/parley-server/chat.integration.test.ts');
  });
});

describe('the notice', () => {
  it('is one line that names what did not run and why', () => {
    const line = redisNotice({ kind: 'stand-in' }, ['a.test.ts', 'b.test.ts']);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/stand-in/);
    expect(line).toMatch(/NOT RUN.*redis-server.*a\.test\.ts, b\.test\.ts/);
  });

  it("never prints REDIS_URL's password", () => {
    const line = redisNotice({ kind: 'given', url: 'redis://user:s3cret@cache.example:6380' }, []);
    expect(line).toContain('cache.example:6380');
    expect(line).not.toContain('s3cret');
  });
});

describe('onPath', () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds an executable and only an executable', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-onpath-'));
    await writeFile(path.join(dir, 'tool'), '#!/bin/sh\n');
    await writeFile(path.join(dir, 'data'), '');
    await chmod(path.join(dir, 'tool'), 0o755);
    await chmod(path.join(dir, 'data'), 0o644);
    const searchPath = ['/nonexistent', dir].join(path.delimiter);
    expect(onPath('tool', searchPath)).toBe(true);
    expect(onPath('missing', searchPath)).toBe(false);
    expect(onPath('tool', '')).toBe(false);
    // Even for root (CI), X_OK needs an execute bit.
    expect(onPath('data', searchPath)).toBe(false);
  });
});

function readSource(file: string): string {
  return readFileSync(path.join(process.cwd(), file), 'utf8');
}
