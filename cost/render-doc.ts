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
import { largestUnder } from './budget.js';
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
import type { Load } from './load.js';
import { multipliersOf } from './multipliers.js';

/** The repository's root: the files the model writes are under it. */
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

export const COST_DOC_PATH = path.join(ROOT, 'docs', 'cost.md');

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
    `messages (${usd(sumOf('API Gateway'))}): every frame in either direction is billed, and in rooms of`,
    `${small!.load.roomSize} each typing start, receipt and message goes to every member. Standard, the production`,
    `profile, costs ${usd(smallBills.standard.totalUsd)} for the small case and`,
    `${usd(billOf(medium!.load, BUILT_IN_PROFILES.standard).totalUsd)} for the medium one.`,
  ].join('\n');
}

/** The small case on lean with the levers a small app has, and the loads $50 buys. */
function budgetSection(): string {
  const small = CASES[0]!.load;
  const lean = BUILT_IN_PROFILES.lean;
  const perUser = small.messagesPerDay / small.users;
  const variants: [string, Partial<Load>, boolean][] = [
    ['as modelled above', {}, false],
    ["AWS's always-free allowances (`--free-tier`)", {}, true],
    ['typing indicators off (`--typing 0`)', { typingSeconds: 0 }, false],
    ['typing off, free allowances', { typingSeconds: 0 }, true],
  ];
  const rows = variants.map(([name, behaviour, freeTier]) => {
    const load = { ...small, ...behaviour };
    const total = billOf(load, lean, { freeTier }).totalUsd;
    const users = largestUnder({
      budgetUsd: 50,
      settings: lean,
      messagesPerUserDay: perUser,
      roomSize: small.roomSize,
      behaviour,
      freeTier,
    });
    return [name, usd(total), users.toLocaleString('en-US')];
  });
  return [
    `The small case on lean, and the most users online that $50 a month serves on lean at the`,
    `small case's rate (${perUser} messages a day each, rooms of ${small.roomSize}, the same behaviour):`,
    '',
    table(['lean, small case', 'month', 'users online under $50'], rows, [
      'left',
      'right',
      'right',
    ]),
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

/** The README's section on deploying and its bill, figures from the model. */
export function readmeSnippet(): string {
  const [small, medium] = CASES;
  const rows = PROFILES.map((p) => [
    `\`${p}\``,
    PROFILE_SUMMARY[p],
    usd(billOf(IDLE, BUILT_IN_PROFILES[p]).totalUsd),
    usd(billOf(small!.load, BUILT_IN_PROFILES[p]).totalUsd),
    usd(billOf(medium!.load, BUILT_IN_PROFILES[p]).totalUsd),
  ]);
  return [
    README_HEADING,
    '',
    '`npx cdk deploy -c profile=lean|standard|ha` (default `standard`) deploys the same code with',
    'a different bill ([docs/deploy.md](docs/deploy.md#profiles-lean-standard-ha) says what each',
    'gives up). `npm run cost` prints a month of any load on any profile, line by line, with',
    'its assumptions and the same load on Ably, Pusher and AppSync Events',
    '([docs/cost.md](docs/cost.md)). A month, us-east-1 list prices, free tier not applied; small:',
    `${small!.load.users} users online, ${small!.load.messagesPerDay.toLocaleString('en-US')} messages a day, rooms of ${small!.load.roomSize}; medium: ${medium!.load.users.toLocaleString('en-US')}, ${medium!.load.messagesPerDay.toLocaleString('en-US')}, ${medium!.load.roomSize}:`,
    '',
    table(['profile', 'what it is', 'no traffic', 'small', 'medium'], rows, [
      'left',
      'left',
      'right',
      'right',
      'right',
    ]),
    '',
    '```sh',
    `${SMALL_CASE_COMMAND}   # ${usd(smallLeanTotal())} a month`,
    '```',
  ].join('\n');
}

/** The README section readmeSnippet() writes starts with this heading. */
export const README_HEADING = '## Deploy, and what it costs';

export const README_PATH = path.join(ROOT, 'README.md');

/** `readme` with its deploy-and-cost section replaced by what the model prints now. */
export function withReadmeSnippet(readme: string): string {
  const start = readme.indexOf(README_HEADING);
  if (start < 0) throw new Error(`README.md has no "${README_HEADING}" section`);
  const next = readme.indexOf('\n## ', start + README_HEADING.length);
  const end = next < 0 ? readme.length : next + 1;
  return `${readme.slice(0, start)}${readmeSnippet()}\n\n${readme.slice(end)}`;
}

const PROFILE_SUMMARY: Record<BuiltInProfileName, string> = {
  lean: 'no NAT (IPv6 out), one `t4g.micro`, no proxy, no traces',
  standard: 'one NAT, Multi-AZ `t4g.small`, RDS Proxy',
  ha: 'a NAT per AZ, Multi-AZ `t4g.medium`, RDS Proxy',
};

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
    budgetSection(),
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
