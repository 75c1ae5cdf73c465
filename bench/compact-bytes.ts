/**
 * `npm run bench:compact`: bytes per delivered frame, long vs compact, what API Gateway
 * bills for them (messages in 32 KB units, data transfer out) over a chat mix, and the CPU
 * the encoding costs the server (and the decoding the SDK). Prints Markdown; the figures
 * of a run are recorded in docs/decisions/2026-12-06-compact-frames.md.
 */
import { cpus } from 'node:os';
import { decodeCompact, encodeCompact } from '../protocol/compact-codec.js';
import {
  CHAT_MIX,
  type FrameSize,
  frameSizes,
  mixTotals,
  representativeFrames,
} from './compact-sizes.js';

/** List prices (us-east-1, first tiers) the estimate uses; change them here, not in the figures. */
const USD_PER_MILLION_MESSAGES = 1.0;
const USD_PER_GB_OUT = 0.09;

const ROUNDS = 15;

/** Calls of `run` that take about 10 ms. */
function batchSize(run: () => unknown): number {
  let n = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) run();
    if (Number(process.hrtime.bigint() - start) > 10e6) return n;
    n *= 2;
  }
}

/**
 * µs per call of each function, best of ROUNDS rounds, the functions taking turns within
 * each round: on a shared machine the best round is the one least disturbed, and turns
 * keep a slow moment from landing on one function only.
 */
function microsPerCall(...runs: (() => unknown)[]): number[] {
  const sizes = runs.map(batchSize);
  const best = runs.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < ROUNDS; r++) {
    runs.forEach((run, k) => {
      const n = sizes[k] ?? 1;
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) run();
      const us = Number(process.hrtime.bigint() - start) / 1000 / n;
      best[k] = Math.min(best[k] ?? us, us);
    });
  }
  return best;
}

const pct = (saved: number, of: number) => `${((100 * saved) / of).toFixed(1)}%`;
const fixed = (v: number, digits = 2) => v.toFixed(digits);

function sizeTable(sizes: readonly FrameSize[]): string[] {
  const rows = sizes.map(
    (s) =>
      `| ${s.name} | ${s.long} | ${s.compact} | ${s.long - s.compact} | ${pct(s.long - s.compact, s.long)} | ${s.longUnits} → ${s.compactUnits} |`,
  );
  return [
    '| frame | long B | compact B | saved B | saved | billed messages |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ];
}

function mixTable(sizes: readonly FrameSize[]): string[] {
  const t = mixTotals(sizes, CHAT_MIX);
  const perMillion = 1e6 / t.frames;
  const usd = (units: number, bytes: number) =>
    ((units * perMillion) / 1e6) * USD_PER_MILLION_MESSAGES +
    ((bytes * perMillion) / 1e9) * USD_PER_GB_OUT;
  return [
    `Mix per ${t.frames} deliveries: ${Object.entries(CHAT_MIX)
      .map(([name, n]) => `${n} ${name}`)
      .join(', ')}.`,
    '',
    '| per 1,000,000 deliveries | long | compact | saved |',
    '| --- | ---: | ---: | ---: |',
    `| bytes out (MB) | ${fixed((t.longBytes * perMillion) / 1e6, 1)} | ${fixed((t.compactBytes * perMillion) / 1e6, 1)} | ${pct(t.longBytes - t.compactBytes, t.longBytes)} |`,
    `| mean bytes per delivery | ${fixed(t.longBytes / t.frames, 1)} | ${fixed(t.compactBytes / t.frames, 1)} | ${fixed((t.longBytes - t.compactBytes) / t.frames, 1)} B |`,
    `| billed messages | ${t.longUnits * perMillion} | ${t.compactUnits * perMillion} | ${pct(t.longUnits - t.compactUnits, t.longUnits)} |`,
    `| USD (messages + transfer out) | ${fixed(usd(t.longUnits, t.longBytes), 4)} | ${fixed(usd(t.compactUnits, t.compactBytes), 4)} | ${pct(usd(t.longUnits, t.longBytes) - usd(t.compactUnits, t.compactBytes), usd(t.longUnits, t.longBytes))} |`,
  ];
}

function cpuTable(): string[] {
  const rows = representativeFrames().map(({ name, frame }) => {
    const longText = JSON.stringify(frame);
    const compactText = JSON.stringify(encodeCompact(frame));
    const parsed = JSON.parse(compactText) as Record<string, unknown>;
    // The codec's own cost is measured alone, not as the difference of two noisy timings.
    const [stringify = 0, encode = 0, parse = 0, decode = 0] = microsPerCall(
      () => JSON.stringify(frame),
      () => encodeCompact(frame),
      () => JSON.parse(longText),
      () => decodeCompact(parsed),
    );
    return `| ${name} | ${fixed(stringify)} | ${fixed(encode)} | ${fixed(parse)} | ${fixed(decode)} |`;
  });
  return [
    '| frame | server: JSON.stringify µs | server: encodeCompact µs | SDK: JSON.parse µs | SDK: decodeCompact µs |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
  ];
}

const sizes = frameSizes();
const cpu = cpus()[0];
const lines = [
  `# Compact frames: bytes, billing and CPU (${new Date().toISOString()})`,
  '',
  `Node ${process.version}, ${cpu?.model ?? 'unknown CPU'} × ${cpus().length}; µs are the best of ${ROUNDS} rounds.`,
  `Prices assumed: $${USD_PER_MILLION_MESSAGES} per million messages, $${USD_PER_GB_OUT} per GB out.`,
  '',
  '## Bytes per delivered frame',
  '',
  ...sizeTable(sizes),
  '',
  '## A chat mix',
  '',
  ...mixTable(sizes),
  '',
  '## CPU per frame',
  '',
  ...cpuTable(),
];
console.log(lines.join('\n'));
