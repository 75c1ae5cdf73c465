/**
 * Random bytes drawn 4 KB at a time (Node only). A call into the CSPRNG per id showed up in
 * the benchmark's profiles (docs/decisions/2026-12-06-send-path-costs.md). This is what
 * `randomUUID` does internally.
 */
import { randomBytes } from 'node:crypto';

const ENTROPY_BYTES = 4096;
let entropy = Buffer.alloc(0);
let used = 0;

/** `length` fresh random bytes; a view into the pool, so never hand the same slice out twice. */
export function randomSlice(length: number): Buffer {
  if (used + length > entropy.length) {
    entropy = randomBytes(ENTROPY_BYTES);
    used = 0;
  }
  used += length;
  return entropy.subarray(used - length, used);
}
