/**
 * Rate limits no scripted client reaches: the variables of every rate bucket in the table
 * of limits (core/limits.ts), each set to a million. The end-to-end tests, the fault suite
 * and the benchmark's servers send far faster than any person, on purpose; they start
 * their servers with these (a test of the limits sets its own over them). The buckets are
 * still charged, so what they measure still pays the limiter's cost.
 */
import { LIMITS } from '../functions/core/limits.js';

const ROOMY = '1000000';

export const ROOMY_RATE_LIMITS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(LIMITS)
    .filter(([name, row]) => /(Rate|Burst)Per(User|Connection)$/.test(name) && 'env' in row)
    .map(([, row]) => [(row as { env: string }).env, ROOMY]),
);
