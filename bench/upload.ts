/**
 * `npm run bench:upload`: the round trip of a file as a user of `npm run dev` feels it,
 * through the SDK: `client.upload` (request_upload, then the PUT to the dev server's local
 * S3) and `client.send` with the attachment, beside a plain send, for one file size.
 * Start `npm run dev` first (same DATA_DIR, for its token secret); reports medians and
 * ranges. Not part of CI; the figures go in docs/decisions/2026-12-06-files.md.
 *
 * Env: PARLEY_URL (default ws://127.0.0.1:3001), BENCH_UPLOAD_BYTES (default 5 MiB),
 * BENCH_UPLOAD_ROUNDS (timed rounds after one warm-up, default 10), DATA_DIR / JWT_SECRET
 * as `npm run token` reads them.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { connect } from '../client/index.js';
import { signDevToken } from '../functions/auth/sign-token.js';
import { secretForCli } from '../local/dev-secret.js';

const url = process.env.PARLEY_URL ?? 'ws://127.0.0.1:3001';
const bytes = Number(process.env.BENCH_UPLOAD_BYTES ?? 5 * 1024 * 1024);
const rounds = Number(process.env.BENCH_UPLOAD_ROUNDS ?? 10);

const { secret } = await secretForCli(process.env, { create: false });
const token = await signDevToken(secret, 'bench-upload', { expiresIn: '1h' });
const client = connect({ url, token, WebSocket });
const room = `upload-bench-${Date.now()}`;

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
};
const steps = { upload: [] as number[], send: [] as number[], total: [] as number[] };
const plain: number[] = [];

try {
  console.log(`uploading ${bytes} bytes ${rounds + 1} times to ${url} (room ${room})...`);
  await client.join(room);
  for (let round = 0; round <= rounds; round++) {
    const data = new Uint8Array(randomBytes(bytes));
    const [file, upload] = await timed(() =>
      client.upload(room, { name: `bench-${round}.zip`, type: 'application/zip', data }),
    );
    const [, send] = await timed(() =>
      client.send(room, `file ${round}`, { attachments: [file.uploadId] }),
    );
    const [, alone] = await timed(() => client.send(room, `plain ${round}`));
    // A round is three `sends` tokens (the signature pays one): a second apart, as a person
    // sends files, the connection's bucket (5 a second) never refuses one.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (round === 0) continue; // warm-up: first signatures, first objects, cold caches
    steps.upload.push(upload);
    steps.send.push(send);
    steps.total.push(upload + send);
    plain.push(alone);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const row = (name: string, xs: number[]) =>
    `| ${name} | ${median(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)} ms |`;
  console.log('| step | median | range |\n| --- | --- | --- |');
  console.log(row('upload (request_upload + PUT)', steps.upload));
  console.log(row('send with the attachment', steps.send));
  console.log(row('total', steps.total));
  console.log(row('a send without (same rounds)', plain));
} catch (error) {
  console.error(`bench:upload failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await client.close();
}
