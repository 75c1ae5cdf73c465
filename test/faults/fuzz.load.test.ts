/**
 * The protocol fuzzer's short form (`npm run fuzz` sends 100,000): a few thousand random
 * and mutated frames against `npm run dev` in a child process. Every frame is answered, by
 * a reply or by the close the gateway's limits give it (1003, 1007, 1009), no handler
 * fails, and the server is still running. The seed is printed; SEED=N replays a run.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DevChild, startDevChild } from '../../faults/dev-child.js';
import { nextFuzzFrame } from '../../faults/fuzz-frames.js';
import { runFuzz } from '../../faults/fuzz-run.js';
import { seededRandom, seedFrom } from '../../faults/random.js';

const FRAMES = 2_000;

let dev: DevChild;
beforeAll(async () => {
  dev = await startDevChild();
});
afterAll(() => dev?.close());

it('draws the same frames from the same seed, of every kind', () => {
  const draw = (seed: number) => {
    const random = seededRandom(seed);
    return Array.from({ length: 2_000 }, () => nextFuzzFrame(random, ['a', 'b']));
  };
  const first = draw(7);
  expect(draw(7)).toEqual(first);
  expect(new Set(first.map((f) => f.kind))).toEqual(
    new Set([
      'valid',
      'mutated',
      'random text',
      'wrong type',
      'odd number',
      'deep nesting',
      '__proto__ keys',
      'lone surrogate',
      'invalid UTF-8',
      'oversize',
      'binary',
      'odd JSON',
    ]),
  );
});

it(`answers every one of ${FRAMES} fuzzed frames and stays up`, async () => {
  const seed = seedFrom(undefined, process.env);
  console.log(`[fuzz] seed ${seed} (replay with SEED=${seed})`);
  const stats = await runFuzz({
    url: dev.url,
    token: (i) => dev.token(`fuzzer-${i}`),
    frames: FRAMES,
    connections: 16,
    random: seededRandom(seed),
  });
  expect(stats.frames).toBe(FRAMES);
  expect(stats.unanswered).toEqual([]);
  expect(stats.unexpectedCloses).toEqual([]);
  expect(stats.handlerFailures).toEqual([]);
  expect(dev.alive()).toBe(true);
}, 120_000);
