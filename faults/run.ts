/**
 * `npm run faults`: every fault of the suite under load, at the durations (Redis
 * down 30 s, PostgreSQL 10 s, ...), on loopback with stores the suite starts itself. Writes
 * the table to faults/results/latest.md and exits 1 if an acked message was lost or a seq
 * skipped. `--short` runs the CI's durations; `--only redis,kill` a few of the faults;
 * `--seed N` replays a run's choices of which posts fail.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { optionText, readCli, UsageError } from './cli-args.js';
import { seededRandom, seedFrom } from './random.js';
import { durationOf, LONG, SHORT } from './scenarios.js';
import { runFaultSuite } from './suite.js';
import { brokenRows, faultTable } from './table.js';

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const say = (message: string) => console.log(`[faults] ${message}`);

const USAGE = `usage: npm run faults -- [--short] [--only NAME,NAME] [--seed N]

  --short           the CI's durations (each fault 1-1.5 s) instead of the issue's
  --only a,b        run only the faults whose names contain one of these
  --seed N          replay a run's choices (default: a random seed, printed; or SEED)

Exits 0 when no acked message was lost, no seq skipped and none stored twice, 1 otherwise,
2 on a bad command line.`;

async function main() {
  const cli = readCli(process.argv.slice(2), { short: 'boolean', only: 'string', seed: 'string' });
  if (cli === 'help') {
    console.log(USAGE);
    process.exit(0);
  }
  const short = cli.short === true;
  const only = (optionText(cli, 'only') ?? '').split(',').filter(Boolean);
  const seed = seedFrom(optionText(cli, 'seed'), process.env);
  const durations = short ? SHORT : LONG;
  say(`${short ? 'short' : 'long'} form, seed ${seed} (replay with --seed ${seed})`);
  const shape = short
    ? { rooms: 2, clientsPerRoom: 4, sendIntervalMs: 50, replyTimeoutMs: 4_000 }
    : { rooms: 4, clientsPerRoom: 5, sendIntervalMs: 20, replyTimeoutMs: 4_000 };
  const phases = short
    ? { warmupMs: 500, afterMs: 1_500, drainMs: 10_000, settleMs: 5_000 }
    : { warmupMs: 2_000, afterMs: 5_000, drainMs: 20_000, settleMs: 30_000 };
  const rows = await runFaultSuite({
    durations,
    shape,
    phases,
    random: seededRandom(seed),
    only,
    log: say,
  });
  const table = faultTable(rows, (name) => durationOf(name, durations));
  const load =
    `${shape.rooms} rooms x ${shape.clientsPerRoom} clients, each sending every ` +
    `${shape.sendIntervalMs} ms after its previous answer`;
  const text = [
    `# Faults under load (${short ? 'short' : 'long'} form)`,
    '',
    `${new Date().toISOString()}, seed ${seed}, node ${process.version}. Load: ${load}.`,
    '',
    table,
    '',
  ].join('\n');
  await mkdir(RESULTS, { recursive: true });
  const file = path.join(RESULTS, 'latest.md');
  await writeFile(file, text);
  console.log(`\n${table}\n`);
  say(`written to ${path.relative(process.cwd(), file)}`);
  const broken = brokenRows(rows);
  if (broken.length > 0) {
    console.error(
      `[faults] lost or out-of-order messages in: ${broken.map((r) => r.name).join(', ')}`,
    );
    process.exit(1);
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`[faults] ${error.message} (npm run faults -- --help)`);
    process.exit(2);
  }
  console.error(`[faults] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
