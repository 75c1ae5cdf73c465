/**
 * Rate limits no scripted client reaches: the variables of every rate bucket in the table
 * of limits (core/limits.ts), and of the cap on connections per user (the big-room
 * scenario's listeners are one user's connections), each set to a million. The end-to-end tests, the fault suite
 * and the benchmark's servers send far faster than any person, on purpose; they start
 * their servers with these (a test of the limits sets its own over them). The buckets are
 * still charged, so what they measure still pays the limiter's cost.
 *
 * `SHIPPED_RATE_LIMITS` sets the same variables back to their defaults, for a server that
 * must enforce what users get (the `flood` benchmark) even where the roomy ones are the
 * base.
 */
import { type ChatLimits, LIMITS, type LimitRow } from '../functions/core/limits.js';

const ROOMY = '1000000';

/** Every rate bucket's row that a variable sets, and the connections cap's. */
const RATE_ROWS = Object.entries(LIMITS as Record<string, LimitRow>).filter(
  (entry): entry is [string, Required<LimitRow>] =>
    /(Rate|Burst)Per(User|Connection)$|^maxConnectionsPerUser$/.test(entry[0]) &&
    entry[1].env !== undefined,
);

export const ROOMY_RATE_LIMITS: Readonly<Record<string, string>> = Object.fromEntries(
  RATE_ROWS.map(([, row]) => [row.env, ROOMY]),
);

export const SHIPPED_RATE_LIMITS: Readonly<Record<string, string>> = Object.fromEntries(
  RATE_ROWS.map(([, row]) => [row.env, String(row.default)]),
);

/** The same limits as the core's values, for a scenario that builds its deps in-process. */
export const ROOMY_LIMITS: Partial<ChatLimits> = Object.fromEntries(
  RATE_ROWS.map(([name]) => [name, Number(ROOMY)]),
);
