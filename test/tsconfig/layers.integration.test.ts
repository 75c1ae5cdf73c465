/**
 * The layering rules of docs/layers.md fail the build: planted imports, one a line, are
 * linted with the project's biome.json in a scratch directory, and type-checked as a file
 * that exists only in memory under the area's tsconfig. Each planted import is either
 * refused or allowed, so a rule that stops matching (a Biome upgrade, an edited glob)
 * fails here rather than letting the next violation through.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** File -> planted imports, each refused (true) or allowed (false) there. */
const PLANTED: Record<string, [source: string, refused: boolean][]> = {
  'functions/core/planted.ts': [
    ["import pg from 'pg';", true],
    ["import { readFile } from 'node:fs/promises';", true],
    ["import type { Redis } from 'ioredis';", true],
    ["import { x } from '../stores/postgres/message-store.js';", true],
    ["export { y } from '../runtime/deps.js';", true],
    ["import * as z from 'zod/mini';", false],
    ["import { m } from './message.js';", false],
    ["import { e } from '../../protocol/error-codes.js';", false],
  ],
  'functions/core/actions/planted.ts': [
    ["import { p } from '../ports.js';", false],
    ["import { d } from '../../runtime/deps.js';", true],
  ],
  'functions/planted.ts': [
    ["import { c } from './core/index.js';", false],
    ["import { l } from '../local/parley-server.js';", true],
    ["import { f } from '../test/support/fakes.js';", true],
  ],
  'functions/stores/redis/planted.ts': [
    ["import { p } from '../../core/ports.js';", false],
    ["import { d } from '../../runtime/deps.js';", true],
  ],
  'protocol/planted.ts': [
    ["import { z } from 'zod';", true],
    ["import { o } from './frame-limits.js';", false],
  ],
  'client/planted.ts': [
    ["import { readFile } from 'node:fs/promises';", true],
    ["import pg from 'pg';", true],
    ["import { e } from '../functions/core/errors.js';", true],
    ["import ws from 'ws';", false],
    ["import { uuidV7 } from '../functions/shared/uuid-v7.js';", false],
    ["import { e } from '../protocol/error-codes.js';", false],
  ],
  'web/planted.ts': [
    ["import { connect } from '../client/index.js';", false],
    ["import { e } from '../functions/core/errors.js';", true],
    ["import os from 'node:os';", true],
  ],
  'lib/planted.ts': [
    ["import { ROUTE_ENTRIES } from '../functions/route-table.js';", false],
    ["import { MIGRATIONS } from '../functions/stores/postgres/migrations.js';", false],
    ["import { createPool } from '../functions/stores/postgres/pool.js';", true],
  ],
};

describe('Biome refuses imports across a layer', () => {
  let scratch: string;
  let refused: Set<string>;

  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'parley-layers-'));
    copyFileSync(path.join(ROOT, 'biome.json'), path.join(scratch, 'biome.json'));
    for (const [file, lines] of Object.entries(PLANTED)) {
      mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      writeFileSync(path.join(scratch, file), `${lines.map(([source]) => source).join('\n')}\n`);
    }
    const biome = spawnSync(
      path.join(ROOT, 'node_modules/.bin/biome'),
      ['lint', '--vcs-enabled=false', '--reporter=github', '--max-diagnostics=none', '.'],
      { cwd: scratch, encoding: 'utf8' },
    );
    // ::error title=lint/style/noRestrictedImports,file=/tmp/.../web/planted.ts,line=2,...
    refused = new Set(
      [
        ...biome.stdout.matchAll(/title=lint\/style\/noRestrictedImports,file=([^,]+),line=(\d+)/g),
      ].map(([, file, line]) => `${path.relative(scratch, file ?? '')}:${line}`),
    );
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  for (const [file, lines] of Object.entries(PLANTED)) {
    it(`${path.dirname(file)}/`, () => {
      const expected = lines.flatMap(([, isRefused], i) => (isRefused ? [`${file}:${i + 1}`] : []));
      expect([...refused].filter((at) => at.startsWith(`${file}:`)).sort()).toEqual(
        expected.sort(),
      );
    });
  }
});

/** The diagnostics of tsconfig `config` with one more file, `file`, held in memory. */
function typeCheck(config: string, file: string, text: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, config), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`cannot read ${config}`);
  const options = { ...parsed.options, incremental: false };
  const planted = path.join(ROOT, file);
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => name === planted || fileExists.call(host, name);
  host.readFile = (name) => (name === planted ? text : readFile.call(host, name));
  host.getSourceFile = (name, language, ...rest) =>
    name === planted
      ? ts.createSourceFile(name, text, language)
      : getSourceFile.call(host, name, language, ...rest);
  // The config's .d.ts files (globals), not its sources: only the planted file is checked.
  const roots = [...parsed.fileNames.filter((name) => name.endsWith('.d.ts')), planted];
  const program = ts.createProgram(roots, options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(planted))
    .map((d) => `TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

/** Config, planted file, its lines, and the errors expected of them in order. */
const TYPE_CHECKED: [
  name: string,
  config: string,
  file: string,
  lines: string[],
  errors: RegExp[],
][] = [
  [
    'the core may not import a package or a Node builtin',
    'tsconfig/core.json',
    'functions/core/planted.ts',
    [
      "import pg from 'pg';",
      "import { readFile } from 'node:fs/promises';",
      'export const q = [pg, readFile];',
    ],
    [
      /^TS2306 File '.*no-packages-in-the-pure-core\.d\.ts' is not a module/,
      /^TS2306 File '.*no-packages-in-the-pure-core\.d\.ts' is not a module/,
    ],
  ],
  [
    'the core has zod and timers, and nothing of Node or the DOM',
    'tsconfig/core.json',
    'functions/core/planted.ts',
    [
      "import * as z from 'zod/mini';",
      'const timer = setTimeout(() => {}, 1);',
      'clearTimeout(timer);',
      'export const q = [z, process.env, document.title];',
    ],
    [/^TS2591 Cannot find name 'process'/, /^TS2584 Cannot find name 'document'/],
  ],
  [
    'the SDK and the page have the DOM and no Node types',
    'tsconfig/browser.json',
    'client/planted.ts',
    [
      "import { readFile } from 'node:fs/promises';",
      'export const q = [readFile, process.env, document.title];',
    ],
    [/^TS2307 Cannot find module 'node:fs\/promises'/, /^TS2591 Cannot find name 'process'/],
  ],
  [
    'Lambda code has Node and no DOM',
    'tsconfig/node.json',
    'functions/planted.ts',
    [
      "import { readFile } from 'node:fs/promises';",
      'export const q = [readFile, process.env, document.title];',
    ],
    [/^TS2584 Cannot find name 'document'/],
  ],
];

describe('TypeScript checks each area with the globals of where it runs', () => {
  for (const [name, config, file, lines, errors] of TYPE_CHECKED) {
    it(name, () => {
      expect(typeCheck(config, file, `${lines.join('\n')}\n`)).toEqual(
        errors.map((error) => expect.stringMatching(error)),
      );
    });
  }
});
