/**
 * No test, benchmark or script empties a Redis wholesale: FLUSHALL/FLUSHDB, or KEYS with
 * a pattern (how tests used to find keys to delete; it also blocks a shared Redis). A test
 * deletes only keys under its own prefix (`deleteKeysUnder`), or empties a server it
 * started. CI proves the rest: a sentinel key in its Redis must survive the suite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const DIRS = ['test', 'bench', 'local', 'functions', 'client', 'web', 'bin', 'lib', '.ci'];
const SOURCE = /\.(ts|js|mjs|cjs|sh)$|^run$/;
const SELF = path.relative(ROOT, new URL(import.meta.url).pathname);

/** Each rule: what it catches, in code (a comment that names FLUSHALL is fine). */
const FORBIDDEN: [string, RegExp][] = [
  ['a FLUSHALL/FLUSHDB call', /\.flush(all|db)\s*\(/i],
  ['FLUSHALL/FLUSHDB as a command name', /['"`]flush(all|db)['"`]/i],
  ['redis-cli FLUSHALL/FLUSHDB', /redis-cli[^\n]*\bflush(all|db)\b/i],
  ['KEYS with a pattern (use deleteKeysUnder: SCAN under an own prefix)', /\.keys\(\s*['"`]/],
];

function sources(): string[] {
  return DIRS.flatMap((dir) => {
    const entries = (() => {
      try {
        return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true });
      } catch {
        return [];
      }
    })();
    return entries
      .filter((e) => e.isFile() && SOURCE.test(e.name) && !e.parentPath.includes('node_modules'))
      .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
      .filter((file) => file !== SELF);
  });
}

function violations(file: string, text: string): string[] {
  return FORBIDDEN.flatMap(([what, pattern]) =>
    text
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}: ${what}`] : [])),
  );
}

describe('nothing empties a Redis it did not start', () => {
  it('finds the sources it checks', () => {
    const files = sources();
    expect(files).toContain('test/functions/stores/redis/flush.integration.test.ts');
    expect(files).toContain('.ci/run');
  });

  it('catches each way of emptying a shared Redis', () => {
    // The offending lines are assembled here, so this file never holds one itself.
    const flush = (tail: string) => ['FLUSH', tail].join('');
    expect(violations('x.ts', `await redis.${flush('ALL').toLowerCase()}();`)).toHaveLength(1);
    expect(violations('x.ts', `await redis.call('${flush('DB')}');`)).toHaveLength(1);
    expect(violations('run', `redis-cli -p 6379 ${flush('ALL')}`)).toHaveLength(1);
    expect(violations('x.ts', "const keys = await redis.keys('room:*');")).toHaveLength(1);
    expect(violations('x.ts', '// as a FLUSHALL would\nObject.keys(rooms);')).toEqual([]);
  });

  it('holds for every source in the checkout', () => {
    const found = sources().flatMap((file) =>
      violations(file, readFileSync(path.join(ROOT, file), 'utf8')),
    );
    expect(found).toEqual([]);
  });
});
