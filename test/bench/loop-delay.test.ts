/** The generator's event-loop delay figure, reported with every load run. */
import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../bench/load.js';
import {
  describeLoopDelay,
  generatorLoopDelayMs,
  LOOP_DELAY_GOAL_MS,
} from '../../bench/loop-delay.js';
import { resourceRows } from '../../bench/scenarios/load-rows.js';

describe('generatorLoopDelayMs', () => {
  it('is the worst thread: any late thread makes its clients late', () => {
    expect(generatorLoopDelayMs([0.8, 3.1, 1.2])).toBe(3.1);
    expect(generatorLoopDelayMs([0.8, Number.NaN])).toBe(0.8);
    expect(generatorLoopDelayMs([])).toBeNaN();
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
