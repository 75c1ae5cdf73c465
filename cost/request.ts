/**
 * What `npm run cost` does with its command line: reads it into a request (refusing
 * anything wrong with one line), and renders the bill as text or JSON, or the doc.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readCli, UsageError } from '../faults/cli-args.js';
import { BUILT_IN_PROFILES, DEFAULT_PROFILE, isBuiltInProfile } from '../lib/profiles.js';
import { describeAssumptions } from './assumptions.js';
import { billOf, CostModelError } from './bill.js';
import { CASES } from './cases.js';
import { comparisonsOf } from './compare.js';
import {
  apiMessagesTable,
  assumptionsList,
  comparisonTable,
  describeLoad,
  lambdaTable,
  lineItemsTable,
  multipliersTable,
  PRICES_HEADER,
  usd,
} from './format.js';
import { DEFAULT_BEHAVIOUR, type Load, loadOf } from './load.js';
import { multipliersOf } from './multipliers.js';
import {
  COST_DOC_PATH,
  README_HEADING,
  README_PATH,
  renderCostDoc,
  withReadmeSnippet,
} from './render-doc.js';

const OPTIONS = {
  users: 'string',
  'messages-per-day': 'string',
  'room-size': 'string',
  profile: 'string',
  'rooms-per-user': 'string',
  'connections-per-user': 'string',
  typing: 'string',
  'typing-interval': 'string',
  'live-readers': 'string',
  'active-hours': 'string',
  'files-per-day': 'string',
  'no-rollover': 'boolean',
  'free-tier': 'boolean',
  json: 'boolean',
  'write-doc': 'boolean',
} as const;

const SMALL = CASES[0]!.load;

export const USAGE = `Usage: npm run cost -- [options]

The monthly AWS bill of a load on a deployment profile (prices: cost/prices.ts).

  --users N                 users online, on average (default ${SMALL.users})
  --messages-per-day N      messages sent a day (default ${SMALL.messagesPerDay})
  --room-size N             members of a room, 2 or more (default ${SMALL.roomSize})
  --profile NAME            lean, standard or ha (default ${DEFAULT_PROFILE})
  --rooms-per-user N        rooms each user is in (default ${DEFAULT_BEHAVIOUR.roomsPerUser})
  --connections-per-user N  connections each user keeps open (default ${DEFAULT_BEHAVIOUR.connectionsPerUser})
  --typing SECONDS          composing time per message; 0 turns typing off (default ${DEFAULT_BEHAVIOUR.typingSeconds})
  --typing-interval MS      how often a client repeats typing start (default ${DEFAULT_BEHAVIOUR.typingIntervalMs}, the SDK's)
  --live-readers SHARE      share of a room's members who read each message as it comes, 0-1 (default ${DEFAULT_BEHAVIOUR.liveReadShare})
  --active-hours H          hours of the day the messages fall in, 1-24 (default ${DEFAULT_BEHAVIOUR.activeHoursPerDay})
  --files-per-day N         attachments a day (default: 1% of the messages)
  --no-rollover             clients reconnect after API Gateway's 2-hour close instead of
                            rolling over before it (the SDK's default): presence each time
  --free-tier               apply AWS's always-free allowances (not applied by default)
  --json                    print the bill as JSON
  --write-doc               regenerate docs/cost.md and the README's cost section from the model, and exit
  -h, --help                this text`;

type Values = Readonly<Record<string, string | boolean | undefined>>;

function numberOption(
  values: Values,
  name: string,
  fallback: number,
  {
    min,
    max = Number.POSITIVE_INFINITY,
    whole = false,
  }: { min: number; max?: number; whole?: boolean },
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  const range = max === Number.POSITIVE_INFINITY ? `${min} or more` : `${min} to ${max}`;
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (whole && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `--${name} ${String(raw)}: expected ${whole ? 'a whole number' : 'a number'}, ${range}`,
    );
  }
  return value;
}

export interface CostRequest {
  load: Load;
  profile: string;
  freeTier: boolean;
  json: boolean;
  writeDoc: boolean;
}

/** The command line read into a request, or 'help'; a UsageError for anything wrong. */
export function readRequest(argv: readonly string[]): CostRequest | 'help' {
  const values = readCli(argv, OPTIONS);
  if (values === 'help') return 'help';
  const profile = typeof values.profile === 'string' ? values.profile : DEFAULT_PROFILE;
  if (!isBuiltInProfile(profile)) {
    throw new UsageError(
      `--profile ${profile}: expected one of ${Object.keys(BUILT_IN_PROFILES).join(', ')}`,
    );
  }
  const users = numberOption(values, 'users', SMALL.users, { min: 1, whole: true });
  const messagesPerDay = numberOption(values, 'messages-per-day', SMALL.messagesPerDay, {
    min: 0,
    whole: true,
  });
  const roomSize = numberOption(values, 'room-size', SMALL.roomSize, { min: 2, whole: true });
  const base = loadOf(users, messagesPerDay, roomSize);
  const load: Load = {
    ...base,
    roomsPerUser: numberOption(values, 'rooms-per-user', base.roomsPerUser, {
      min: 1,
      whole: true,
    }),
    connectionsPerUser: numberOption(values, 'connections-per-user', base.connectionsPerUser, {
      min: 1,
      whole: true,
    }),
    typingSeconds: numberOption(values, 'typing', base.typingSeconds, { min: 0, max: 600 }),
    typingIntervalMs: numberOption(values, 'typing-interval', base.typingIntervalMs, {
      min: 100,
      whole: true,
    }),
    liveReadShare: numberOption(values, 'live-readers', base.liveReadShare, { min: 0, max: 1 }),
    activeHoursPerDay: numberOption(values, 'active-hours', base.activeHoursPerDay, {
      min: 1,
      max: 24,
    }),
    filesPerDay: numberOption(values, 'files-per-day', base.filesPerDay, {
      min: 0,
      max: messagesPerDay,
      whole: true,
    }),
    rollover: values['no-rollover'] === true ? false : base.rollover,
  };
  return {
    load,
    profile,
    freeTier: values['free-tier'] === true,
    json: values.json === true,
    writeDoc: values['write-doc'] === true,
  };
}

/** What `npm run cost` prints for a request. */
export function renderRequest(request: CostRequest): string {
  const { load, profile, freeTier } = request;
  if (!isBuiltInProfile(profile)) throw new UsageError(`--profile ${profile}: unknown`);
  const settings = BUILT_IN_PROFILES[profile];
  const bill = billOf(load, settings, { freeTier });
  const comparisons = comparisonsOf(load, bill);
  const multipliers = multipliersOf(load);
  if (request.json) {
    return JSON.stringify(
      {
        profile,
        settings,
        load,
        freeTier,
        lines: bill.lines,
        totalUsd: bill.totalUsd,
        resources: bill.resources,
        usage: bill.usage,
        apiMessagesByFeature: Object.fromEntries(
          Object.entries(bill.traffic.inbound).map(([feature, inbound]) => [
            feature,
            {
              in: inbound.units,
              out: bill.traffic.outbound[feature as keyof typeof bill.traffic.outbound].units,
            },
          ]),
        ),
        lambdaByFunction: bill.traffic.invocations,
        multipliers,
        comparisons,
        assumptions: describeAssumptions(),
      },
      null,
      2,
    );
  }
  return [
    `Parley on the ${profile} profile: ${usd(bill.totalUsd)} a month`,
    `Load: ${describeLoad(load)}.`,
    `${PRICES_HEADER} AWS free tier ${freeTier ? 'applied (always-free allowances)' : 'not applied (--free-tier applies it)'}.`,
    '',
    lineItemsTable(bill),
    '',
    'API Gateway messages a month by feature (32 KB units):',
    '',
    apiMessagesTable(bill),
    '',
    'Lambda a month by function:',
    '',
    lambdaTable(bill),
    '',
    'API Gateway messages per message sent, by feature (in and out):',
    '',
    multipliersTable(multipliers),
    '',
    'The same load elsewhere (the real-time layer only):',
    '',
    comparisonTable(comparisons, bill.totalUsd),
    '',
    'Assumptions:',
    '',
    assumptionsList(),
  ].join('\n');
}

/** Runs the command line: the exit code; what it prints goes to `out` and `err`. */
export function runCost(
  argv: readonly string[],
  out: (text: string) => void,
  err: (text: string) => void,
): number {
  try {
    const request = readRequest(argv);
    if (request === 'help') {
      out(USAGE);
      return 0;
    }
    if (request.writeDoc) {
      writeFileSync(COST_DOC_PATH, renderCostDoc());
      writeFileSync(README_PATH, withReadmeSnippet(readFileSync(README_PATH, 'utf8')));
      out(`cost: wrote ${COST_DOC_PATH} and the README's "${README_HEADING}"`);
      return 0;
    }
    out(renderRequest(request));
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof CostModelError) {
      const code = error instanceof CostModelError ? error.code : 'usage';
      err(`cost: ${code}: ${error.message} (--help for the options)`);
      return 2;
    }
    throw error;
  }
}
