/**
 * A steady chat with typing on for 10% of users against the same chat without it: 500
 * clients in 50 rooms of 10 (quick: 100 in 10), 200 messages/s (quick: 50) for 15 s
 * (quick: 5), Parley alone, in rounds off, on, off, on on one population. The typers send
 * `typing start` every 3 s, the SDK's pace while someone types. The figure is send
 * delivery p99 with typing against without (the median of each mode's rounds).
 */
import { eachSystem, typical } from '../compare.js';
import {
  closePopulation,
  connectPopulation,
  type LoadResult,
  runLoad,
  summarize,
} from '../load.js';
import type { ResultRow, Scenario } from '../scenario.js';

/** The SDK sends `typing start` at most every 3 s while input goes on. */
const TYPING_EVERY_MS = 3_000;
/** One user in ten is typing. */
const TYPING_SHARE = 10;

export const typingSteady: Scenario = async (ctx) => {
  const size = ctx.quick
    ? { clients: 100, rooms: 10, rate: 50, seconds: 5 }
    : { clients: 500, rooms: 50, rate: 200, seconds: 15 };
  const log = (m: string) => ctx.log(`typing-steady: ${m}`);
  const { results, notes } = await eachSystem(
    ctx,
    'typing-steady',
    async (system, driver, tag) => {
      const pop = await connectPopulation(driver, { ...size, tag, log });
      try {
        const typers = Array.from({ length: size.clients }, (_, i) => i).filter(
          (i) => i % TYPING_SHARE === 0 && pop.live[i],
        );
        const runs: { typing: boolean; load: LoadResult }[] = [];
        for (const [round, typing] of [false, true, false, true].entries()) {
          const load = await runLoad(pop, {
            rate: size.rate,
            durationMs: size.seconds * 1000,
            drainMs: 10_000,
            tag: `${tag}-r${round}`,
            serverCpu: system.cpuSeconds,
            ...(typing ? { typers, typingEveryMs: TYPING_EVERY_MS } : {}),
          });
          log(`${typing ? 'typing on ' : 'typing off'}: ${summarize(load)}`);
          runs.push({ typing, load });
        }
        return { runs, typers: typers.length };
      } finally {
        await closePopulation(pop);
      }
    },
    ['parley'],
  );
  const parley = results.parley;
  const rows: ResultRow[] = [];
  if (parley) {
    const p99 = (typing: boolean) => {
      const mode = parley.runs.filter((r) => r.typing === typing).map((r) => r.load);
      const ms = typical(mode, (l) => l.delivery[99] ?? Number.POSITIVE_INFINITY)?.delivery[99];
      return ms === undefined ? null : Math.round(ms * 10) / 10;
    };
    const off = p99(false);
    const on = p99(true);
    rows.push(
      { metric: 'send delivery p99, typing off', unit: 'ms', parley: off },
      {
        metric: `send delivery p99, typing on (${parley.typers} of ${size.clients} users)`,
        unit: 'ms',
        parley: on,
        ratio: off && on ? Math.round((on / off) * 100) / 100 : null,
      },
    );
    for (const [round, run] of parley.runs.entries()) {
      rows.push({
        metric: `round ${round + 1} (typing ${run.typing ? 'on' : 'off'}): delivery p99, lost`,
        unit: 'ms',
        parley: `${run.load.delivery[99]?.toFixed(1)}, ${run.load.lostDeliveries}`,
      });
    }
  }
  return {
    name: 'typing-steady',
    title: 'Steady chat with typing on for 10% of users, against the same chat without',
    rows,
    notes,
  };
};
