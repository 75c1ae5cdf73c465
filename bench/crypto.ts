/**
 * What end-to-end encryption costs the SDK per message: encrypt and decrypt time for a
 * 100-character text, the longest an encrypted room takes (2,951) and a 4,000-character
 * one (timed only: too long to send), the envelope's size, and one `deriveRoomKey`. A report:
 * `npx tsx bench/crypto.ts`. Figures: docs/decisions/2026-12-06-encryption.md.
 */
import { cpus } from 'node:os';
import {
  deriveRoomKey,
  ENCRYPTED_TEXT_MAX_BYTES,
  generateRoomKey,
  openMessage,
  type RoomKey,
  sealMessage,
} from '../client/index.js';

const ROOM = 'bench-room';
const ROUNDS = 2_000;

/** Median and 99th percentile of `run`'s time over `rounds` calls, in microseconds. */
async function time(rounds: number, run: () => Promise<unknown>) {
  for (let i = 0; i < 200; i++) await run(); // warm the JIT and WebCrypto
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    samples.push((performance.now() - start) * 1000);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return { p50: at(0.5) ?? 0, p99: at(0.99) ?? 0 };
}

async function row(key: RoomKey, label: string, text: string) {
  // What the SDK does per message: the payload's JSON, sealed; opened and parsed.
  const envelope = await sealMessage(key, { text }, ROOM);
  const bytes = new TextEncoder().encode(text).length;
  const enc = await time(ROUNDS, () => sealMessage(key, { text }, ROOM));
  const dec = await time(ROUNDS, () => openMessage(key, envelope, ROOM));
  const us = (n: number) => n.toFixed(1);
  return `| ${label} | ${bytes} | ${envelope.length} | +${envelope.length - bytes} (${((envelope.length / bytes - 1) * 100).toFixed(0)}%) | ${us(enc.p50)} / ${us(enc.p99)} | ${us(dec.p50)} / ${us(dec.p99)} |`;
}

const key = await generateRoomKey();
const lines = [
  `Node.js ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${ROUNDS} rounds each`,
  '',
  '| text | text bytes | envelope chars | overhead | encrypt µs p50 / p99 | decrypt µs p50 / p99 |',
  '| --- | --- | --- | --- | --- | --- |',
  await row(key, '100 chars', 'x'.repeat(100)),
  // The payload's JSON takes 17 bytes: 2,951 characters of text with nothing to escape.
  await row(key, '2,951 chars (the most that fits)', 'x'.repeat(ENCRYPTED_TEXT_MAX_BYTES - 17)),
  // Over what an encrypted room takes (the SDK refuses it): its time only, for comparison.
  await row(key, '4,000 chars (too long to send)', 'x'.repeat(4000)),
];
const deriveStart = performance.now();
await deriveRoomKey('correct horse battery staple', ROOM);
lines.push(
  '',
  `deriveRoomKey (PBKDF2-SHA-256, 600,000 rounds): ${(performance.now() - deriveStart).toFixed(0)} ms`,
);
console.log(lines.join('\n'));
