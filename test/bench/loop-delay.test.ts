/** The generator's event-loop delay figure, reported with every load run. */

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../bench/load.js';
import {
  describeLoopDelay,
  generatorLoopDelayMs,
  LOOP_DELAY_GOAL_MS,
  LOOP_DELAY_RESOLUTION_MS,
  loopLatenessMs,
} from '../../bench/loop-delay.js';
import { resourceRows } from '../../bench/scenarios/load-rows.js';

describe('generatorLoopDelayMs', () => {
  it('is the worst thread: any late thread makes its clients late', () => {
    expect(generatorLoopDelayMs([0.8, 3.1, 1.2])).toBe(3.1);
    expect(generatorLoopDelayMs([0.8, Number.NaN])).toBe(0.8);
    expect(generatorLoopDelayMs([])).toBeNaN();
  });
});

describe('loopLatenessMs', () => {
  it('is what the histogram holds beyond its resolution, never below 0', () => {
    expect(loopLatenessMs(11.5, 10)).toBeCloseTo(1.5);
    expect(loopLatenessMs(9.2, 10)).toBe(0);
  });

  it("takes out the resolution Node's histogram includes: a blocked loop reads late", async () => {
    const histogram = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
    histogram.enable();
    await new Promise((resolve) => setTimeout(resolve, 5 * LOOP_DELAY_RESOLUTION_MS));
    const blockedMs = 8 * LOOP_DELAY_RESOLUTION_MS;
    const until = Date.now() + blockedMs;
    while (Date.now() < until) {
      // blocks the loop, as a busy generator thread would
    }
    await new Promise((resolve) => setTimeout(resolve, 3 * LOOP_DELAY_RESOLUTION_MS));
    histogram.disable();
    // Every sample spans at least about one resolution, so the raw minimum is near it and
    // its lateness near 0, while the blocked sample's lateness is the block, less at most
    // one resolution.
    expect(histogram.min / 1e6).toBeGreaterThan(LOOP_DELAY_RESOLUTION_MS / 2);
    expect(loopLatenessMs(histogram.max / 1e6)).toBeGreaterThanOrEqual(
      blockedMs - LOOP_DELAY_RESOLUTION_MS,
    );
  });
});

describe('describeLoopDelay', () => {
  it('says whether the goal holds, with each thread', () => {
    expect(describeLoopDelay([0.9, 1.1])).toMatch(
      /p99 1\.10 ms over 2 worker thread\(s\) \[0\.90, 1\.10\], under the 2 ms goal/,
    );
    expect(describeLoopDelay([0.9, 12])).toMatch(/OVER the 2 ms goal/);
  });
});

describe('the report row', () => {
  const withDelay = (loopDelayP99Ms: number) =>
    ({
      loopDelayP99Ms,
      generatorCpu: 0.2,
      serverCpu: 0.3,
      machineCpu: 1,
      postgresCpu: 0.1,
      redisCpu: 0.1,
      maxSendLagMs: 1,
    }) as LoadResult;
  const delayRow = (parley: number, peer: number) =>
    resourceRows({ parley: withDelay(parley), peer: withDelay(peer) }).find((r) =>
      r.metric.startsWith('generator event-loop delay p99'),
    );

  it('reports the delay against the goal for both systems', () => {
    expect(delayRow(1.5, 1.9)).toMatchObject({ parley: 1.5, peer: 1.9, pass: true });
    expect(delayRow(1.5, 1.9)?.target).toContain(`< ${LOOP_DELAY_GOAL_MS} ms`);
    expect(delayRow(1.5, 12)?.pass).toBe(false);
    expect(delayRow(12, 1)?.pass).toBe(false);
  });
});
