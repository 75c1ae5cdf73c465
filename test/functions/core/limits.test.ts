/** The one table of limits (core/limits.ts) against its readers: config.ts and the docs. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, ENV_LIMITS, LIMITS } from '../../../functions/core/limits.js';
import { chatLimits, readConfig } from '../../../functions/runtime/config.js';

const MINIMAL_ENV = { DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h:6379' };

/** Every Markdown file that may hold the table of variables: README.md and docs/, recursively. */
function markdownFiles(): string[] {
  const root = new URL('../../../', import.meta.url);
  const docs = readdirSync(new URL('docs/', root), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs].map((path) => readFileSync(new URL(path, root), 'utf8'));
}

/**
 * Each documented variable's default, from any Markdown table with a `default` column whose
 * first cell names that one variable: the first `code` span of its default cell, when the
 * cell starts with one (a cell such as "unset" or "dev: embedded" says no single value).
 */
function documentedDefaults(): Map<string, string | undefined> {
  const found = new Map<string, string | undefined>();
  for (const text of markdownFiles()) {
    let defaultColumn = -1;
    for (const line of text.split('\n')) {
      if (!line.startsWith('|')) {
        defaultColumn = -1;
        continue;
      }
      const cells = line.split('|').map((cell) => cell.trim());
      const header = cells.findIndex((cell) => cell.toLowerCase() === 'default');
      if (header !== -1) defaultColumn = header;
      const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[1] ?? '')?.[1];
      if (name === undefined || defaultColumn === -1) continue;
      found.set(name, /^`([^`]+)`/.exec(cells[defaultColumn] ?? '')?.[1]);
    }
  }
  return found;
}

describe('the table of limits', () => {
  it('gives the core its defaults when the environment sets none', () => {
    expect(chatLimits(readConfig(MINIMAL_ENV))).toEqual(DEFAULT_LIMITS);
  });

  it('lets each limit with a variable be set by it, and only that limit', () => {
    for (const name of ENV_LIMITS) {
      const value = LIMITS[name].default + 1;
      const limits = chatLimits(readConfig({ ...MINIMAL_ENV, [LIMITS[name].env]: String(value) }));
      expect(limits).toEqual({ ...DEFAULT_LIMITS, [name]: value });
    }
  });

  it('is what the docs list for each variable, as is every other default of config.ts', () => {
    const documented = documentedDefaults();
    const config: Record<string, unknown> = readConfig(MINIMAL_ENV);
    for (const name of ENV_LIMITS) {
      expect(documented.get(LIMITS[name].env), LIMITS[name].env).toBe(String(LIMITS[name].default));
    }
    for (const [variable, value] of documented) {
      if (value === undefined || !(variable in config) || variable in MINIMAL_ENV) continue;
      expect(value, variable).toBe(String(config[variable]));
    }
  });
});
