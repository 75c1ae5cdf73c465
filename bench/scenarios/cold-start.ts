/**
 * Cold start: each Lambda bundle's size (esbuild, minified, the stack's settings) and the
 * time a fresh Node process takes to import it (module init included), against a bare
 * `node -e ''` measured in the same run. Targets: under 300 KB; import + init within 2x
 * of the bare start.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { BUNDLE_BUDGETS } from '../../lib/bundle-budgets.js';
import { esbuildOptionsFor } from '../../lib/parley-function.js';
import { percentiles, type ResultRow, type Scenario } from '../scenario.js';
import { round } from './stack.js';

const KB = 1024;

/** Wall time of one fresh `node` process running `args`, in milliseconds. */
function timeNode(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return performance.now() - start;
}

/** The library family an input file of a bundle belongs to, or Parley's own code. */
function libraryFamily(file: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
  if (!pkg) return "Parley's own code";
  // mnemonist and obliterator: the LRU cache of the SDK's endpoint discovery (DynamoDB).
  if (/^(@(aws-sdk|smithy|aws-crypto|aws)\/|mnemonist$|obliterator$)/.test(pkg)) return 'AWS SDK';
  if (/^(ioredis|@ioredis\/|redis-|denque|cluster-key-slot|debug|ms|lodash)/.test(pkg))
    return 'ioredis';
  if (/^(pg|pg-.*|postgres-.*|pgpass|split2)$/.test(pkg)) return 'pg';
  if (pkg.startsWith('@aws-lambda-powertools/')) return 'Powertools';
  return pkg;
}

/**
 * What a message route imports from libraries, by family, with nothing of Parley's. Each
 * family's export has its own name, so any subset of them is a valid module.
 */
const LIBRARY_IMPORTS: Record<string, string> = {
  // The Management API and DynamoDB clients, and Secrets Manager's through Powertools
  // Parameters (the database and cache secrets).
  'AWS SDK': `import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
export const sdk = [ApiGatewayManagementApiClient, DynamoDBClient, getSecret];`,
  ioredis: `import { Redis } from 'ioredis';
export const redis = Redis;`,
  pg: `import pg from 'pg';
export const postgres = pg.Pool;`,
  'the rest (Powertools Logger, zod, p-limit)': `import { Logger } from '@aws-lambda-powertools/logger';
import * as z from 'zod/mini';
import pLimit from 'p-limit';
export const rest = [Logger, z.object, pLimit];`,
};

/** The libraries' entry, all of them or all but one family. */
function librariesEntry(without?: string): string {
  return Object.entries(LIBRARY_IMPORTS)
    .filter(([family]) => family !== without)
    .map(([, source]) => source)
    .join('\n');
}

interface TimedBundle {
  entry: string;
  size: number;
  url: string;
  samples: number[];
}

/** Bundles `source` with a message route's settings into `dir`, ready to be timed. */
async function bundleSource(dir: string, entry: string, source: string): Promise<TimedBundle> {
  const outfile = path.join(dir, `${entry.replace(/\W+/g, '-')}.mjs`);
  await build({
    ...esbuildOptionsFor('send-message'),
    entryPoints: undefined,
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' },
    outfile,
  });
  const size = (await stat(outfile)).size;
  return { entry, size, url: pathToFileURL(path.resolve(outfile)).href, samples: [] };
}

function median(samples: number[]): number {
  return percentiles(samples, [50])[50]!;
}

export const coldStart: Scenario = async (ctx) => {
  const runs = ctx.quick ? 3 : 15;
  // Inside the project, so the bundles' external `@aws-sdk/*` imports resolve from its
  // node_modules as they do from the Lambda runtime's.
  const cacheDir = path.join('node_modules', '.cache');
  await mkdir(cacheDir, { recursive: true });
  const dir = await mkdtemp(path.join(cacheDir, 'parley-cold-'));
  try {
    const rows: ResultRow[] = [];
    // Every bundle is built first, then one fresh process each per round, bare node
    // included, so that the machine's drift (other processes, the page cache) falls on all
    // of them alike rather than on whichever was timed first.
    let sendMessageMeta: Metafile | undefined;
    const bundles: TimedBundle[] = [];
    for (const entry of Object.keys(BUNDLE_BUDGETS)) {
      const outfile = path.join(dir, `${entry}.mjs`);
      const built = await build({ ...esbuildOptionsFor(entry), outfile, metafile: true });
      if (entry === 'send-message') sendMessageMeta = built.metafile;
      const size = (await stat(outfile)).size;
      const url = pathToFileURL(path.resolve(outfile)).href;
      bundles.push({ entry, size, url, samples: [] });
    }
    // The floor a message route is measured against: its libraries and nothing of Parley's,
    // bundled with the same settings.
    const librariesAlone = await bundleSource(
      dir,
      'libraries alone (no Parley code)',
      librariesEntry(),
    );
    bundles.push(librariesAlone);
    // And what each family adds to that import: the libraries timed without it. Builtins
    // such as tls, which several load, are charged to none of them.
    const withoutOne = new Map<string, TimedBundle>();
    for (const family of Object.keys(LIBRARY_IMPORTS)) {
      withoutOne.set(
        family,
        await bundleSource(dir, `libraries without ${family}`, librariesEntry(family)),
      );
    }
    const timed = [...bundles, ...withoutOne.values()];
    ctx.log(
      `cold start: ${timed.length} bundles built; ${runs} rounds of fresh imports of each, and bare node`,
    );
    const bareSamples: number[] = [];
    for (let round = 0; round < runs; round++) {
      bareSamples.push(timeNode(['-e', '']));
      for (const bundle of timed) {
        bundle.samples.push(
          timeNode(['--input-type=module', '-e', `await import(${JSON.stringify(bundle.url)});`]),
        );
      }
    }
    const bare = median(bareSamples);
    rows.push({ metric: "bare `node -e ''`", unit: 'ms', parley: round(bare, 1) });
    for (const { entry, size, samples } of bundles) {
      const load = median(samples);
      rows.push(
        {
          metric: `${entry}: bundle`,
          unit: 'KB',
          parley: round(size / KB, 1),
          target: '< 300 KB',
          pass: size < 300 * KB,
        },
        {
          metric: `${entry}: node start + import + init`,
          unit: 'ms',
          parley: round(load, 1),
          ratio: round(load / bare),
          target: '<= 2x bare node',
          pass: load <= 2 * bare,
        },
      );
    }
    // What a message route is made of: the libraries, by family, and Parley's own code.
    const output = Object.values(sendMessageMeta?.outputs ?? {}).find((o) => o.entryPoint);
    const families = new Map<string, number>();
    for (const [file, input] of Object.entries(output?.inputs ?? {})) {
      const family = libraryFamily(file);
      families.set(family, (families.get(family) ?? 0) + input.bytesInOutput);
    }
    // Families under 3 KB in all are summed as one row.
    for (const [family, bytes] of [...families]) {
      if (bytes >= 3 * KB || family === "Parley's own code") continue;
      families.delete(family);
      families.set('other', (families.get('other') ?? 0) + bytes);
    }
    for (const [family, bytes] of [...families].sort((a, b) => b[1] - a[1])) {
      rows.push({
        metric: `send-message bundle: ${family}`,
        unit: 'KB',
        parley: round(bytes / KB, 1),
      });
    }
    const allLibraries = median(librariesAlone.samples);
    for (const [family, without] of withoutOne) {
      rows.push({
        metric: `import time ${family} adds (libraries alone, less them without it)`,
        unit: 'ms',
        parley: round(allLibraries - median(without.samples), 1),
      });
    }
    return {
      name: 'cold-start',
      title: 'Cold start: bundle size and a fresh process importing each bundle',
      rows,
      notes: [
        `Median of ${runs} fresh processes each, taken in rounds (bare node, then every bundle) so that drift falls on all alike.`,
        'The $connect route and the authorizer carry only DynamoDB or jose, and $default only the Management API (it answers its caller and touches no store); the other routes need PostgreSQL, Redis, DynamoDB and the Management API, and the libraries alone (pg, ioredis, the AWS SDK clients, Powertools, zod, p-limit, bundled the same way) are the floor they are measured against.',
        'On Node.js 20 (this machine) pg probes `new Response()` at import, which loads undici (~15 ms); on the Lambda runtime (Node.js 22) `navigator` answers first and undici is never loaded.',
      ],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
