/** The loads docs/cost.md prices for every profile. */
import { type Load, loadOf } from './load.js';

export interface NamedCase {
  name: 'small' | 'medium' | 'large';
  load: Load;
}

export const CASES: readonly NamedCase[] = [
  { name: 'small', load: loadOf(200, 20_000, 10) },
  { name: 'medium', load: loadOf(2_000, 200_000, 20) },
  { name: 'large', load: loadOf(20_000, 2_000_000, 50) },
];

/** No traffic: one user online, nothing said. What a profile costs standing still. */
export const IDLE: NamedCase['load'] = loadOf(1, 0, 2, { filesPerDay: 0 });

/**
 * Loads where Parley's limits act, for the multiplier table: rooms past the typing,
 * receipt and presence cut-offs, and a client that sends typing on every keystroke.
 */
export const LIMIT_CASES: readonly { name: string; load: Load }[] = [
  { name: 'rooms of 2,000 (past every cut-off)', load: loadOf(20_000, 200_000, 2_000) },
  {
    name: 'small case, a client sending typing every 300 ms',
    load: loadOf(200, 20_000, 10, { typingIntervalMs: 300 }),
  },
];
