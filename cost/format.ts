/**
 * The bill as text: Markdown tables, aligned so they read in a terminal as well as in
 * docs/cost.md, which is made of the same pieces.
 */
import { type Assumption, describeAssumptions } from './assumptions.js';
import type { Bill } from './bill.js';
import type { Comparison } from './compare.js';
import type { Load } from './load.js';
import type { Multiplier } from './multipliers.js';
import {
  AWS_PRICES,
  COMPARISON_PRICES,
  PRICES_READ_ON,
  PRICES_REGION,
  PUSHER_PLANS,
} from './prices.js';
import { FEATURES, FUNCTION_KINDS } from './traffic.js';

export type Align = 'left' | 'right';

/** A Markdown table with its columns padded to one width. */
export function table(headers: string[], rows: string[][], align: Align[]): string {
  const widths = headers.map((h, i) =>
    Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const cell = (text: string, i: number) => {
    const width = widths[i] ?? 3;
    return align[i] === 'right' ? text.padStart(width) : text.padEnd(width);
  };
  const line = (cells: string[]) => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Dollars with cents, thousands separated. */
export function usd(n: number): string {
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A quantity with as many decimals as it needs to say something (at most 4). */
export function quantity(n: number): string {
  const digits = n === 0 || n >= 100 ? 0 : n >= 1 ? 2 : 4;
  return n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** A unit price: up to 10 decimals, trailing zeros dropped. */
export function unitPrice(n: number): string {
  return `$${n.toLocaleString('en-US', { maximumFractionDigits: 10 })}`;
}

export function describeLoad(load: Load): string {
  return [
    `${load.users.toLocaleString('en-US')} users online`,
    `${load.messagesPerDay.toLocaleString('en-US')} messages/day`,
    `rooms of ${load.roomSize}`,
    `${load.roomsPerUser} rooms per user`,
    `${load.connectionsPerUser} connection(s) per user`,
    load.rollover ? 'connections rolled over before 2 h' : 'reconnects after the 2 h close',
    `typing ${load.typingSeconds} s per message (a start every ${load.typingIntervalMs} ms)`,
    `${load.liveReadShare * 100}% live readers`,
    `messages over ${load.activeHoursPerDay} h a day`,
    `${load.filesPerDay.toLocaleString('en-US')} files/day`,
  ].join(', ');
}

export function lineItemsTable(bill: Bill): string {
  const rows = bill.lines.map((l) => [
    l.service,
    l.detail ? `${l.item} (${l.detail})` : l.item,
    quantity(l.quantity),
    l.unit,
    unitPrice(l.unitUsd),
    usd(l.usd),
  ]);
  rows.push(['**Total**', '', '', '', '', `**${usd(bill.totalUsd)}**`]);
  return table(['service', 'item', 'quantity', 'unit', 'unit price', 'month'], rows, [
    'left',
    'left',
    'right',
    'left',
    'right',
    'right',
  ]);
}

/** A share as a whole percentage, never "-0%". */
function percent(share: number): string {
  const text = (share * 100).toFixed(0);
  return `${text === '-0' ? '0' : text}%`;
}

export function multipliersTable(multipliers: Multiplier[]): string {
  const rows = multipliers.map((m) => {
    const saved = m.withoutLimits > 0 ? 1 - m.withLimits / m.withoutLimits : 0;
    return [m.feature, m.withLimits.toFixed(2), m.withoutLimits.toFixed(2), percent(saved)];
  });
  const sum = (pick: (m: Multiplier) => number) => multipliers.reduce((s, m) => s + pick(m), 0);
  const withLimits = sum((m) => m.withLimits);
  const without = sum((m) => m.withoutLimits);
  rows.push([
    '**all**',
    withLimits.toFixed(2),
    without.toFixed(2),
    percent(without > 0 ? 1 - withLimits / without : 0),
  ]);
  return table(
    ['feature', 'messages per message sent, with limits', 'without limits', 'saved'],
    rows,
    ['left', 'right', 'right', 'right'],
  );
}

export function comparisonTable(comparisons: Comparison[], parleyTotal: number): string {
  const rows = comparisons.map((c) => [
    c.service,
    c.usd === undefined ? 'custom' : usd(c.usd),
    c.detail,
  ]);
  rows.push(['Parley: the whole bill', usd(parleyTotal), 'every line above']);
  return table(['service', 'month', 'what it counts'], rows, ['left', 'right', 'left']);
}

export function assumptionsList(assumptions: Assumption[] = describeAssumptions()): string {
  return assumptions.map((a) => `- ${a.name}: ${a.value} (${a.source})`).join('\n');
}

/** Every price with its unit, source and whether it was confirmed. */
export function pricesTable(): string {
  const rows = [...Object.entries(AWS_PRICES), ...Object.entries(COMPARISON_PRICES)].map(
    ([name, p]) => [name, unitPrice(p.usd), p.unit, p.verified ? 'yes' : 'no', p.source],
  );
  rows.push([
    'pusherPlans',
    PUSHER_PLANS.plans.map((p) => `$${p.usdPerMonth}`).join('/'),
    PUSHER_PLANS.plans
      .map((p) => `${p.name} ${p.connections} conn, ${p.messagesPerDay / 1e6} M/day`)
      .join('; '),
    PUSHER_PLANS.verified ? 'yes' : 'no',
    PUSHER_PLANS.source,
  ]);
  return table(['price', 'USD', 'unit', 'confirmed', 'source'], rows, [
    'left',
    'right',
    'left',
    'left',
    'left',
  ]);
}

export const PRICES_HEADER = `Prices: ${PRICES_REGION}, on demand, read ${PRICES_READ_ON} (cost/prices.ts).`;

/** API Gateway messages a month by feature, in and out, in 32 KB units. */
export function apiMessagesTable(bill: Bill): string {
  const t = bill.traffic;
  const total = bill.usage.apiMessages;
  const rows = FEATURES.map((f) => {
    const both = t.inbound[f].units + t.outbound[f].units;
    return [
      f,
      quantity(t.inbound[f].units),
      quantity(t.outbound[f].units),
      `${total > 0 ? ((both / total) * 100).toFixed(1) : '0.0'}%`,
    ];
  });
  return table(['feature', 'in', 'out', 'share'], rows, ['left', 'right', 'right', 'right']);
}

/** Lambda a month by function: invocations, memory and GB-seconds. */
export function lambdaTable(bill: Bill): string {
  const rows = FUNCTION_KINDS.map((k) => {
    const fn = bill.traffic.invocations[k];
    return [
      k,
      String(fn.memoryMb),
      quantity(fn.count),
      quantity((fn.seconds * fn.memoryMb) / 1024),
      fn.count > 0 ? ((fn.seconds / fn.count) * 1000).toFixed(1) : '0',
    ];
  });
  return table(['function', 'MB', 'invocations', 'GB-s', 'ms each'], rows, [
    'left',
    'right',
    'right',
    'right',
    'right',
  ]);
}
