/**
 * A seeded pseudo-random generator (mulberry32), so a fault run or a fuzz run that fails
 * can be run again exactly: every run prints its seed, and `--seed` replays it.
 */
import { UsageError } from './cli-args.js';

export interface Random {
  readonly seed: number;
  /** In [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from nothing');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    chance: (p) => next() < p,
  };
}

/** A seed from `--seed N` or `SEED=N`, else a fresh one. */
export function seedFrom(option: string | undefined, env: NodeJS.ProcessEnv): number {
  const given = option ?? env.SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0)
      throw new UsageError(`seed "${given}": expected an integer >= 0`);
    return seed;
  }
  return Math.floor(Math.random() * 4_294_967_296);
}
