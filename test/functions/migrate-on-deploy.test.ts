/**
 * The deploy-time migration waits for RDS Proxy to come up instead of failing the deploy,
 * but never past what is left of its invocation: a wait that outlasted the Lambda timeout
 * would end with "Task timed out" instead of the reason. Time here is a fake clock.
 */
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATION_TIMING, waitForDatabase } from '../../functions/migrate-on-deploy.js';
import { type Clock, deadlineOf, retryUntil } from '../../functions/shared/deadline.js';

function fakeClock(start = 0): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** A pool whose first `failures` queries fail, each after a full connection timeout. */
function poolFailing(failures: number, clock: ReturnType<typeof fakeClock>) {
  let calls = 0;
  const pool: Pick<pg.Pool, 'query'> = {
    query: (async () => {
      calls++;
      if (calls <= failures) {
        clock.advance(MIGRATION_TIMING.connectMs);
        throw new Error('timeout exceeded when trying to connect');
      }
      return { rows: [] };
    }) as unknown as pg.Pool['query'],
  };
  return { pool, calls: () => calls };
}

const plan = (until: number, clock: Clock) => ({
  until,
  delayMs: MIGRATION_TIMING.retryDelayMs,
  connectMs: MIGRATION_TIMING.connectMs,
  clock,
});

describe('waitForDatabase', () => {
  it('retries until the database answers', async () => {
    const clock = fakeClock();
    const { pool, calls } = poolFailing(2, clock);
    await waitForDatabase(pool, plan(300_000, clock));
    expect(calls()).toBe(3);
  });

  it('tries as long as another attempt ends in time, then gives up with the last error', async () => {
    const clock = fakeClock();
    const { pool, calls } = poolFailing(Number.POSITIVE_INFINITY, clock);
    await expect(waitForDatabase(pool, plan(100_000, clock))).rejects.toThrow(/connect/);
    // Attempts end at 10, 30, 50, 70 and 90 s; a sixth would end at 110 s.
    expect(calls()).toBe(5);
    expect(clock.now()).toBe(90_000);
  });

  it('leaves the migrations and the margin their time within a 5-minute invocation', async () => {
    const clock = fakeClock(1_000_000);
    const started = clock.now();
    const invocationEnds = started + 300_000;
    const deadline = deadlineOf(
      { getRemainingTimeInMillis: () => 300_000 },
      MIGRATION_TIMING.marginMs,
      clock,
    );
    const { pool } = poolFailing(Number.POSITIVE_INFINITY, clock);
    await expect(
      waitForDatabase(pool, plan(deadline - MIGRATION_TIMING.migrateMs, clock)),
    ).rejects.toThrow();
    expect(clock.now()).toBeLessThanOrEqual(
      invocationEnds - MIGRATION_TIMING.marginMs - MIGRATION_TIMING.migrateMs,
    );
  });
});

describe('retryUntil', () => {
  it('throws an error it is told not to retry at once', async () => {
    const clock = fakeClock();
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('password authentication failed');
    };
    await expect(
      retryUntil(failing, {
        until: 60_000,
        delayMs: 1_000,
        attemptMs: 1_000,
        retryable: () => false,
        clock,
      }),
    ).rejects.toThrow('password');
    expect(calls).toBe(1);
  });

  it('makes the deadline the remaining time less the margin', () => {
    const clock = fakeClock(5_000);
    expect(deadlineOf({ getRemainingTimeInMillis: () => 60_000 }, 10_000, clock)).toBe(55_000);
  });
});
