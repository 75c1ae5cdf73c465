/**
 * `npm run fuzz`: fuzzed protocol frames against `npm run dev` (a child process on a
 * temporary DATA_DIR), 100,000 by default (`--frames N`), over 16 connections (`--help`
 * lists the options). Prints the seed (`--seed N` replays the run), checks every frame was
 * answered and the server never exited, and reads its heap and RSS after a full GC before,
 * during and after. Writes
 * faults/results/fuzz-latest.md; exits 1 on any unanswered frame, odd close or crash.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { optionText, readCli, UsageError, wholeNumber } from './cli-args.js';
import { type MemoryReport, startDevChild } from './dev-child.js';
import { runFuzz } from './fuzz-run.js';
import { seededRandom, seedFrom } from './random.js';

const RESULTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
const WARMUP_FRAMES = 2_000;
const say = (message: string) => console.log(`[fuzz] ${message}`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const describe = (m: MemoryReport) => `heap ${mb(m.heapUsed)}, RSS ${mb(m.rss)}`;

const USAGE = `usage: npm run fuzz -- [--frames N] [--connections N] [--seed N]

  --frames N        fuzzed frames to send after a warm-up (default 100000)
  --connections N   connections to send them over (default 16)
  --seed N          replay a run (default: a random seed, printed; or SEED)

Exits 0 when every frame was answered and the server stayed up, 1 otherwise, 2 on a bad
command line.`;

async function main() {
  const cli = readCli(process.argv.slice(2), {
    frames: 'string',
    connections: 'string',
    seed: 'string',
  });
  if (cli === 'help') {
    console.log(USAGE);
    return;
  }
  const frames = wholeNumber(cli, 'frames', 100_000);
  const connections = wholeNumber(cli, 'connections', 16);
  const seed = seedFrom(optionText(cli, 'seed'), process.env);
  say(`${frames} frames over ${connections} connections, seed ${seed} (replay: --seed ${seed})`);
  say('starting npm run dev as a child process on a temporary DATA_DIR');
  const dev = await startDevChild();
  try {
    const random = seededRandom(seed);
    const token = (i: number) => dev.token(`fuzzer-${i}`);
    // A warm-up first, so the "before" figure is a server that has served, not a fresh one.
    const warmup = await runFuzz({
      url: dev.url,
      token,
      frames: WARMUP_FRAMES,
      connections,
      random: seededRandom(seed ^ 0x5eed),
    });
    const before = await dev.memory();
    say(`after a warm-up of ${warmup.frames} frames: ${describe(before)}`);
    const samples: string[] = [];
    const started = Date.now();
    const stats = await runFuzz({
      url: dev.url,
      token,
      frames,
      connections,
      random,
      progress: {
        every: Math.max(1_000, Math.floor(frames / 10)),
        async report(sent) {
          const memory = await dev.memory();
          samples.push(`| ${sent} | ${mb(memory.heapUsed)} | ${mb(memory.rss)} |`);
          say(`${sent} frames: ${describe(memory)}, server ${dev.alive() ? 'up' : 'DOWN'}`);
        },
      },
    });
    const tookMs = Date.now() - started;
    const after = await dev.memory();
    const alive = dev.alive();
    say(`done in ${(tookMs / 1000).toFixed(1)} s; after: ${describe(after)}`);

    const sorted = (counts: Record<string, number>) =>
      Object.entries(counts)
        .sort((a, b) => b[1] - a[1])
        .map(([key, n]) => `| ${key} | ${n} |`);
    const problems = [...stats.unanswered, ...stats.unexpectedCloses, ...stats.handlerFailures];
    const text = [
      '# Protocol fuzz',
      '',
      `${new Date().toISOString()}, seed ${seed}, node ${process.version}: ${stats.frames} frames ` +
        `over ${connections} connections in ${(tookMs / 1000).toFixed(1)} s against npm run dev.`,
      '',
      `- server process: ${alive ? 'alive at the end (0 crashes)' : 'EXITED'}`,
      `- unanswered frames: ${stats.unanswered.length}`,
      `- closes other than 1003/1007/1009: ${stats.unexpectedCloses.length}`,
      `- handler failures (Internal server error): ${stats.handlerFailures.length}`,
      `- memory after a full GC: before ${describe(before)}; after ${describe(after)}`,
      '',
      '| frames sent | heap | RSS |',
      '| --- | --- | --- |',
      `| 0 (after warm-up) | ${mb(before.heapUsed)} | ${mb(before.rss)} |`,
      ...samples,
      '',
      '| frame kind | frames |',
      '| --- | --- |',
      ...sorted(stats.byKind),
      '',
      '| answer | count |',
      '| --- | --- |',
      ...sorted(stats.answers),
      ...(problems.length > 0
        ? [
            '',
            '## Problems',
            '',
            ...problems
              .slice(0, 50)
              .map((p) => `- #${p.index} ${p.kind}: ${p.what}: \`${p.frame}\``),
          ]
        : []),
      '',
    ].join('\n');
    await mkdir(RESULTS, { recursive: true });
    await writeFile(path.join(RESULTS, 'fuzz-latest.md'), text);
    console.log(`\n${text}`);
    if (!alive || problems.length > 0) {
      console.error(
        `[fuzz] failed: ${alive ? `${problems.length} problems` : 'the server exited'} (seed ${seed})`,
      );
      process.exitCode = 1;
    }
  } finally {
    await dev.close();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`[fuzz] ${error.message} (npm run fuzz -- --help)`);
    process.exit(2);
  }
  console.error(`[fuzz] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
