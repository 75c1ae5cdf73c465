/** The fault table as Markdown, for the results file and the decision record. */
import type { FaultRow } from './suite.js';

const HEAD = [
  'fault',
  'down',
  'sends',
  'acked',
  'unavailable',
  'other replies',
  'unanswered',
  'unavailable yet stored',
  'joins refused',
  'acked lost',
  'seq gaps',
  'stored twice',
  'dup deliveries',
  'undelivered',
  'retried',
  'reconnects',
  'recover ms',
];

export function faultTable(
  rows: readonly FaultRow[],
  durationOf: (name: string) => number | undefined,
) {
  const lines = [`| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => ' --- ').join('|')}|`];
  for (const r of rows) {
    const down = durationOf(r.name);
    const counts = (byCode: Record<string, number>) =>
      Object.entries(byCode)
        .map(([code, n]) => `${n} ${code}`)
        .join(', ') || '0';
    const cells = [
      r.name,
      down === undefined ? '-' : `${down / 1000} s`,
      r.sends,
      r.acked,
      r.unavailable,
      counts(r.otherErrors),
      r.unanswered,
      r.storedThoughUnavailable,
      counts(r.joinRefusals),
      r.lost,
      r.gaps,
      r.storedTwice,
      r.duplicateDeliveries,
      r.undelivered,
      r.retried,
      r.reconnects,
      r.recoverMs ?? 'never',
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.name}: ${r.note}`);
  return [...lines, ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}

/** Lost acked messages and seq gaps are never acceptable: the rows that have any. */
export function brokenRows(rows: readonly FaultRow[]): FaultRow[] {
  return rows.filter((r) => r.lost > 0 || r.gaps > 0 || r.storedTwice > 0);
}
