/**
 * The key table of compact frames as docs/protocol.md shows it ("Compact frames (v2)"),
 * rendered from compact-keys.ts: a test holds the doc to this text, and
 * `npx tsx local/compact-table-cli.ts` prints it to paste there.
 */
import { COMPACT_KEYS, COMPACT_TYPES, COMPACT_VERSION } from './compact-keys.js';

const PAIRS_PER_ROW = 4;

/** A Markdown table of `long → short` pairs, `PAIRS_PER_ROW` to a row, in table order. */
function pairTable(longName: string, entries: [string, string][]): string[] {
  const header: string[] = [];
  for (let i = 0; i < PAIRS_PER_ROW; i++) header.push(longName, 'short');
  const rows: string[][] = [];
  for (let i = 0; i < entries.length; i += PAIRS_PER_ROW) {
    const row = entries
      .slice(i, i + PAIRS_PER_ROW)
      .flatMap(([long, short]) => [`\`${long}\``, `\`${short}\``]);
    while (row.length < header.length) row.push('');
    rows.push(row);
  }
  const widths = header.map((h, c) => Math.max(3, h.length, ...rows.map((r) => r[c]?.length ?? 0)));
  const line = (cells: string[]) =>
    `| ${cells.map((v, c) => v.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)];
}

/** The two tables, keys then `type` values, with the version they are. */
export function compactTableMarkdown(): string {
  return [
    `Key table, version ${COMPACT_VERSION} (\`protocol/compact-keys.ts\`):`,
    '',
    ...pairTable('key', Object.entries(COMPACT_KEYS)),
    '',
    `\`type\` values, version ${COMPACT_VERSION}:`,
    '',
    ...pairTable('type', Object.entries(COMPACT_TYPES)),
  ].join('\n');
}
