/**
 * docs/cost.md and the README's cost paragraph, made by the model: `npm run cost --
 * --write-doc` writes the doc, and a unit test fails when either differs from what the
 * model prints now, so the figures in them are never typed by hand.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_IN_PROFILES, type BuiltInProfileName } from '../lib/profiles.js';
import { MODEL } from './assumptions.js';
import { type Bill, billOf } from './bill.js';
import { CASES, IDLE, LIMIT_CASES, type NamedCase } from './cases.js';
import { comparisonsOf } from './compare.js';
import {
  assumptionsList,
  describeLoad,
  multipliersTable,
  PRICES_HEADER,
  pricesTable,
  table,
  usd,
} from './format.js';
import { multipliersOf } from './multipliers.js';

export const COST_DOC_PATH = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'docs',
  'cost.md',
);

const PROFILES = Object.keys(BUILT_IN_PROFILES) as BuiltInProfileName[];

/** The small case's command, as the README gives it. */
export const SMALL_CASE_COMMAND =
  'npm run cost -- --users 200 --messages-per-day 20000 --room-size 10 --profile lean';

function billsOf(namedCase: NamedCase): Record<BuiltInProfileName, Bill> {
  return Object.fromEntries(
    PROFILES.map((p) => [p, billOf(namedCase.load, BUILT_IN_PROFILES[p])]),
  ) as Record<BuiltInProfileName, Bill>;
}

/** One case: every line item by profile, the total, then the other services' figures. */
function caseTable(namedCase: NamedCase): string {
  const bills = billsOf(namedCase);
  const first = bills[PROFILES[0]!];
  const rows = first.lines.map((line, i) => [
    `${line.service}: ${line.item}`,
    ...PROFILES.map((p) => {
      const l = bills[p].lines[i]!;
      return l.detail ? `${usd(l.usd)} (${l.detail})` : usd(l.usd);
    }),
  ]);
  rows.push(['**Parley total**', ...PROFILES.map((p) => `**${usd(bills[p].totalUsd)}**`)]);
  for (const c of comparisonsOf(namedCase.load, first)) {
    if (c.service.startsWith('Parley')) {
      rows.push([`${c.service} (${c.detail})`, ...PROFILES.map(() => usd(c.usd ?? 0))]);
    } else {
      const figure = c.usd === undefined ? 'custom' : usd(c.usd);
      rows.push([`${c.service} (${c.detail})`, ...PROFILES.map(() => figure)]);
    }
  }
  return table(['line item', ...PROFILES], rows, ['left', ...PROFILES.map(() => 'right' as const)]);
}

function totalsTable(): string {
  const idle: NamedCase = { name: 'small', load: IDLE };
  const rows = [...CASES, idle].map((c) => {
    const bills = billsOf(c);
    const comparisons = comparisonsOf(c.load, bills[PROFILES[0]!]);
    const other = (prefix: string) => {
      const found = comparisons.find((x) => x.service.startsWith(prefix));
      return found?.usd === undefined ? 'custom' : usd(found.usd);
    };
    return [
      c === idle ? 'no traffic (1 user, no messages)' : c.name,
      ...PROFILES.map((p) => usd(bills[p].totalUsd)),
      other('Ably'),
      other('Pusher'),
      other('AWS AppSync'),
    ];
  });
  return table(['case', ...PROFILES, 'Ably', 'Pusher', 'AppSync Events'], rows, [
    'left',
    ...PROFILES.map(() => 'right' as const),
    'right',
    'right',
    'right',
  ]);
}

/** The small case against the seed plan's promise, in words the figures decide. */
function promiseParagraph(): string {
  const [small, medium] = CASES;
  const smallBills = billsOf(small!);
  const lean = smallBills.lean;
  const idle = billOf(IDLE, BUILT_IN_PROFILES.lean).totalUsd;
  const sumOf = (service: string) =>
    lean.lines.filter((l) => l.service === service).reduce((s, l) => s + l.usd, 0);
  const verdict = lean.totalUsd < 50 ? 'under' : 'over';
  return [
    `The seed plan promised a small deployment under $50 a month and production at $30-150. On`,
    `these assumptions the small case costs ${usd(lean.totalUsd)} on lean, ${verdict} $50: lean standing`,
    `still costs ${usd(idle)}, and the small case's traffic adds the rest, most of it API Gateway`,
    `messages (${usd(sumOf('API Gateway'))}) and X-Ray traces (${usd(sumOf('X-Ray'))}). Standard, the`,
    `production profile, costs ${usd(smallBills.standard.totalUsd)} for the small case and`,
    `${usd(billOf(medium!.load, BUILT_IN_PROFILES.standard).totalUsd)} for the medium one.`,
  ].join('\n');
}

/** What the limits cut in the three cases, said from the figures. */
function casesCutParagraph(): string {
  const cut = (c: NamedCase) => {
    const m = multipliersOf(c.load);
    const withLimits = m.reduce((s, x) => s + x.withLimits, 0);
    const without = m.reduce((s, x) => s + x.withoutLimits, 0);
    return without > 0 ? 1 - withLimits / without : 0;
  };
  const most = Math.max(...CASES.map(cut));
  const sizes = CASES.map((c) => c.load.roomSize).join(', ');
  const first =
    most < 0.0005
      ? `In the three cases (rooms of ${sizes}, SDK clients) the limits cut nothing: the SDK`
      : `In the three cases (rooms of ${sizes}, SDK clients) the limits cut at most ${(most * 100).toFixed(1)}%: the SDK`;
  return [
    first,
    `already paces typing (${MODEL.sdkTypingIntervalMs / 1000} s) and marks (${MODEL.sdkReadMarkIntervalMs / 1000} s) within the server's limits, and`,
    `the cut-offs are at ${MODEL.limits.typingMaxMembers} connections (typing), ${MODEL.limits.receiptsMaxMembers} (receipts) and`,
    `${MODEL.limits.presenceFullMax} (presence). The limits act where a room is past them, or a`,
    'client is not the SDK:',
  ].join('\n');
}

export function smallLeanTotal(): number {
  const small = CASES.find((c) => c.name === 'small')!;
  return billOf(small.load, BUILT_IN_PROFILES.lean).totalUsd;
}

/** The README's paragraph, figures from the model. */
export function readmeSnippet(): string {
  return [
    '## Cost',
    '',
    '`npm run cost` prints the monthly AWS bill of a load on a deployment profile (lean,',
    'standard, ha), line by line, with its assumptions, and the same load on Ably, Pusher',
    'Channels and AppSync Events; [docs/cost.md](docs/cost.md) has three loads on every',
    'profile. The small case (200 users online, 20,000 messages a day, rooms of 10) on lean:',
    '',
    '```sh',
    `${SMALL_CASE_COMMAND}   # ${usd(smallLeanTotal())} a month`,
    '```',
  ].join('\n');
}

export function renderCostDoc(): string {
  const parts: string[] = [
    '# Cost',
    '',
    '<!-- Generated by `npm run cost -- --write-doc` (cost/render-doc.ts); a unit test',
    'fails when this file differs from what the model prints. Do not edit by hand. -->',
    '',
    'What Parley costs a month on AWS, by deployment profile (`lib/profiles.ts`: lean, standard,',
    'ha), for three loads, and what the same real-time traffic costs on Ably, Pusher Channels',
    'and AWS AppSync Events. Every figure is printed by the model in `cost/`; for any other',
    'load run `npm run cost -- --help`. AWS free tier not applied (`--free-tier` applies the',
    'always-free allowances). Why the model is built this way, and what it leaves out:',
    '[decisions/2026-12-07-cost-model.md](decisions/2026-12-07-cost-model.md).',
    '',
    PRICES_HEADER,
    '',
    '## Totals',
    '',
    totalsTable(),
    '',
    promiseParagraph(),
    '',
    "The other services replace the WebSocket layer only (API Gateway's two lines): Parley's",
    'stores and functions would still be needed for the record, history and read state.',
    '',
  ];
  for (const c of CASES) {
    parts.push(`## The ${c.name} case`, '', `${describeLoad(c.load)}.`, '', caseTable(c), '');
  }
  parts.push(
    '## What presence, typing and receipts multiply',
    '',
    "API Gateway messages (in and out) per message sent, for each feature, with Parley's",
    'limits and as if it had none (no typing throttle or cut-off past `TYPING_MAX_MEMBERS`,',
    'receipts in every room and every mark, no SDK coalescing, a `presence` frame per user',
    'and change in every room).',
    '',
  );
  for (const c of CASES) {
    parts.push(
      `### ${c.name} (rooms of ${c.load.roomSize})`,
      '',
      multipliersTable(multipliersOf(c.load)),
      '',
    );
  }
  parts.push(casesCutParagraph(), '');
  for (const c of LIMIT_CASES) {
    parts.push(
      `### ${c.name}`,
      '',
      `${describeLoad(c.load)}.`,
      '',
      multipliersTable(multipliersOf(c.load)),
      '',
    );
  }
  parts.push('## Assumptions', '', assumptionsList(), '', '## Prices', '', pricesTable(), '');
  return parts.join('\n');
}
