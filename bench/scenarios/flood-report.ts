/** The flood scenario's rows (flood.ts): the extra member's counts and each arm's latency. */
import type { FloodResult } from '../flooder.js';
import type { LoadResult } from '../load.js';
import type { ResultRow, ScenarioResult } from '../scenario.js';
import { round } from './stack.js';

export const ARMS = ['baseline', 'at limit', 'flood'] as const;
export type Arm = (typeof ARMS)[number];

export interface ArmRun {
  arm: Arm;
  /** The normal users' load run. */
  load: LoadResult;
  /** The extra member's sends, in the arms where it sends. */
  sender?: FloodResult;
}

interface Plan {
  sendRate: number;
  sendBurst: number;
  floodRate: number;
  users: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const fmt = (values: number[]) => values.map((v) => round(v, 1)).join(', ');

/** The extra member's sends over an arm's runs: sent, accepted, refused by code, allowed. */
function senderTotals(runs: ArmRun[], plan: Plan) {
  let sent = 0;
  let accepted = 0;
  let limited = 0;
  let allowed = 0;
  for (const { sender } of runs) {
    if (!sender) continue;
    sent += sender.sent;
    accepted += sender.accepted;
    limited += sender.refused.rate_limited ?? 0;
    // Each run starts with a full bucket (flood.ts waits for it to refill).
    allowed += plan.sendBurst + plan.sendRate * sender.seconds;
  }
  return { sent, accepted, limited, other: sent - accepted - limited, allowed };
}

export function floodReport(runs: ArmRun[], plan: Plan): ScenarioResult {
  const of = (arm: Arm) => runs.filter((run) => run.arm === arm);
  const p = (arm: Arm, q: 50 | 99) => of(arm).map((run) => run.load.delivery[q] ?? Number.NaN);
  const flood = senderTotals(of('flood'), plan);
  const atLimit = senderTotals(of('at limit'), plan);
  const normalFailures = runs.reduce(
    (a, run) => a + Object.values(run.load.errors).reduce((x, y) => x + y, 0),
    0,
  );
  const lost = runs.reduce((a, run) => a + run.load.lostDeliveries + run.load.lostSends, 0);
  const loop = runs.map((run) => run.load.loopDelayP99Ms);
  const lag = runs.map((run) => run.sender?.maxLagMs ?? 0);
  const latency = ARMS.flatMap((arm): ResultRow[] => [
    {
      metric: `normal users: delivery p50, ${arm} (median of runs)`,
      unit: 'ms',
      parley: round(median(p(arm, 50)), 1),
    },
    {
      metric: `normal users: delivery p99, ${arm} (median of runs)`,
      unit: 'ms',
      parley: round(median(p(arm, 99)), 1),
    },
  ]);
  // "Unchanged within noise": the flood's median p99 inside the spread of the runs of the
  // arm it is compared with (its slowest run).
  const within = (arm: Arm) => median(p('flood', 99)) <= Math.max(...p(arm, 99));
  const rows: ResultRow[] = [
    { metric: 'flooder sends', unit: 'count', parley: flood.sent },
    { metric: 'flooder accepted (ack)', unit: 'count', parley: flood.accepted },
    {
      metric: 'flooder accepted / what its buckets allow (burst + rate x seconds)',
      unit: 'x',
      parley: round(flood.accepted / flood.allowed, 2),
      target: '<= 1.05',
      pass: flood.accepted <= flood.allowed * 1.05,
    },
    { metric: 'flooder refused rate_limited', unit: 'count', parley: flood.limited },
    {
      metric: 'flooder refused otherwise (or no reply)',
      unit: 'count',
      parley: flood.other,
      target: '= 0',
      pass: flood.other === 0,
    },
    {
      metric: 'at-limit member: accepted / sent',
      unit: 'count',
      parley: `${atLimit.accepted} / ${atLimit.sent}`,
    },
    {
      metric: 'normal users: failed sends (any code)',
      unit: 'count',
      parley: normalFailures,
      target: '= 0',
      pass: normalFailures === 0,
    },
    {
      metric: 'normal users: lost deliveries + sends',
      unit: 'count',
      parley: lost,
      target: '= 0',
      pass: lost === 0,
    },
    ...latency,
    {
      metric: 'flood p99 within the at-limit runs (refusals alone)',
      unit: 'verdict',
      parley: within('at limit') ? 'yes' : 'no',
      target: '<= slowest at-limit run',
      pass: within('at limit'),
    },
    {
      metric: 'flood p99 within the baseline runs (the whole flood)',
      unit: 'verdict',
      parley: within('baseline') ? 'yes' : 'no',
      target: '<= slowest baseline run',
      pass: within('baseline'),
    },
    {
      metric: 'generator event-loop delay p99, worst run',
      unit: 'ms',
      parley: round(Math.max(...loop), 2),
    },
    {
      metric: "extra member's own schedule (main thread), worst lateness",
      unit: 'ms',
      parley: round(Math.max(...lag), 1),
    },
  ];
  return {
    name: 'flood',
    title: `Flood: one member at ${plan.floodRate}/s beside ${plan.users} users at 1/s each, shipped rate limits`,
    rows,
    notes: [
      ...ARMS.map(
        (arm) =>
          `${arm}: delivery p99 per run ${fmt(p(arm, 99))} ms; p50 ${fmt(p(arm, 50))} ms; generator loop delay p99 ${fmt(of(arm).map((run) => run.load.loopDelayP99Ms))} ms.`,
      ),
      `Runs in order: ${runs.map((run) => run.arm).join(', ')}.`,
      "The normal users' figures are theirs only (the load generator's clients); the extra member's accepted messages reach them too and are counted there as unexpected deliveries, not in their latency.",
      'The server runs with the shipped defaults of every rate bucket (local/roomy-rate-limits.ts SHIPPED_RATE_LIMITS), unlike every other scenario.',
    ],
  };
}
