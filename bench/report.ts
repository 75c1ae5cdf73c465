/** The run's report: Markdown tables for people, and a hand-written SVG of delivery latency. */
import type { LatencySeries, ResultRow, ScenarioResult } from './scenario.js';

export interface RunInfo {
  runId: string;
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: Record<string, string | number>;
  /** The generator's event-loop delay over the run's load runs (loop-delay.ts), one line. */
  generator?: string;
}

export interface ScenarioOutcome {
  file: string;
  status: 'ok' | 'crashed' | 'skipped';
  seconds: number;
  result?: ScenarioResult;
  error?: string;
}

const cell = (v: number | string | null | undefined) => {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isFinite(v) ? v.toLocaleString('en-US') : '-';
  return v.replaceAll('|', '\\|');
};

/** A Markdown table with padded columns, laid out the way the repository's formatter does. */
function table(header: string[], align: ('left' | 'right')[], body: string[][]): string[] {
  const widths = header.map((h, c) =>
    Math.max(3, h.length, ...body.map((r) => (r[c] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${cells
      .map((v, c) => (align[c] === 'right' ? v.padStart(widths[c] ?? 0) : v.padEnd(widths[c] ?? 0)))
      .join(' | ')} |`;
  const rule = `| ${widths
    .map((w, c) => (align[c] === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)))
    .join(' | ')} |`;
  return [line(header), rule, ...body.map(line)];
}

const passCell = (r: ResultRow) => (r.pass === true ? 'pass' : r.pass === false ? '**FAIL**' : '');

export function renderMarkdown(info: RunInfo, outcomes: ScenarioOutcome[], chart: boolean) {
  const lines: string[] = [];
  lines.push(`# Parley benchmark ${info.quick ? '(quick)' : ''}`.trim(), '');
  lines.push(`Run \`${info.runId}\`, ${info.startedAt} to ${info.finishedAt}.`, '');
  lines.push(
    ...table(
      ['machine', ''],
      ['left', 'left'],
      Object.entries(info.machine).map(([k, v]) => [k, cell(v)]),
    ),
    '',
  );
  if (info.generator) lines.push(`Load generator: ${info.generator}.`, '');
  if (info.quick) {
    lines.push(
      '> Quick mode: a smoke run at small sizes. The figures show that everything runs and nothing is lost, not how fast anything is.',
      '',
    );
  }
  if (chart) lines.push('![delivery latency, steady load](latency.svg)', '');

  for (const o of outcomes) {
    if (o.status === 'skipped') {
      lines.push(`## ${o.file}`, '', `Skipped: ${o.error ?? ''}`, '');
      continue;
    }
    if (!o.result) {
      lines.push(
        `## ${o.file}`,
        '',
        `**Crashed** after ${o.seconds.toFixed(0)} s: ${o.error ?? ''}`,
        '',
      );
      continue;
    }
    const r = o.result;
    lines.push(`## ${r.title}`, '');
    lines.push(
      `\`${r.name}\`, ${o.seconds.toFixed(0)} s${o.status === 'crashed' ? ', **crashed**' : ''}.`,
      '',
    );
    lines.push(
      ...table(
        ['metric', 'Parley', 'peer', 'ratio', 'target', 'pass'],
        ['left', 'right', 'right', 'right', 'left', 'left'],
        r.rows.map((row) => [
          cell(row.unit ? `${row.metric} (${row.unit})` : row.metric),
          cell(row.parley),
          cell(row.peer),
          cell(row.ratio),
          cell(row.target ?? ''),
          passCell(row),
        ]),
      ),
      '',
    );
    if (r.notes?.length) {
      for (const note of r.notes) lines.push(`- ${note}`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

const COLORS = ['#2563eb', '#f97316', '#16a34a', '#9333ea'];
const escapeXml = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * A grouped bar chart of delivery latency percentiles, one bar per system in each group, on
 * a logarithmic axis (p50 and max are often orders of magnitude apart).
 */
export function renderLatencySvg(
  title: string,
  series: LatencySeries[],
  /** Draws a dashed line at this latency (the p99 target), ms. */
  limitMs?: number,
): string {
  const groups: [number, string][] = [
    [50, 'p50'],
    [95, 'p95'],
    [99, 'p99'],
    [100, 'max'],
  ];
  const width = 720;
  const height = 380;
  const left = 70;
  const right = 20;
  const top = 50;
  const bottom = 70;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const values = series.flatMap((s) => groups.map(([p]) => s.percentiles[p] ?? Number.NaN));
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (limitMs !== undefined) finite.push(limitMs);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...finite, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...finite, 10)));
  const y = (v: number) =>
    top + plotH - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / Math.log10(hi / lo)) * plotH;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  );
  for (let v = lo; v <= hi; v *= 10) {
    const yy = y(v).toFixed(1);
    out.push(
      `<line x1="${left}" x2="${width - right}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`,
      `<text x="${left - 8}" y="${yy}" text-anchor="end" dominant-baseline="middle">${v >= 1 ? v : v.toFixed(2)} ms</text>`,
    );
  }
  out.push(
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#333"/>`,
    `<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`,
  );
  if (limitMs !== undefined) {
    const yy = y(limitMs).toFixed(1);
    out.push(
      `<line x1="${left}" x2="${width - right}" y1="${yy}" y2="${yy}" stroke="#dc2626" stroke-dasharray="6 4"/>`,
      `<text x="${width - right - 4}" y="${(Number(yy) - 5).toFixed(1)}" text-anchor="end" fill="#dc2626" font-size="11">p99 target ${limitMs} ms</text>`,
    );
  }
  const groupW = plotW / groups.length;
  const barW = Math.min(60, (groupW * 0.7) / Math.max(series.length, 1));
  groups.forEach(([p, label], g) => {
    const x0 = left + g * groupW + (groupW - barW * series.length) / 2;
    series.forEach((s, i) => {
      const v = s.percentiles[p];
      if (v === undefined || !Number.isFinite(v)) return;
      const x = x0 + i * barW;
      const yy = y(v);
      out.push(
        `<rect x="${x.toFixed(1)}" y="${yy.toFixed(1)}" width="${(barW - 4).toFixed(1)}" height="${(top + plotH - yy).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"/>`,
        `<text x="${(x + (barW - 4) / 2).toFixed(1)}" y="${(yy - 4).toFixed(1)}" text-anchor="middle" font-size="10">${v < 10 ? v.toFixed(1) : v.toFixed(0)}</text>`,
      );
    });
    out.push(
      `<text x="${(left + g * groupW + groupW / 2).toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle">${label}</text>`,
    );
  });
  series.forEach((s, i) => {
    const x = left + i * 180;
    const yy = height - 22;
    out.push(
      `<rect x="${x}" y="${yy - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${x + 18}" y="${yy}">${escapeXml(s.label)}</text>`,
    );
  });
  out.push(
    `<text x="${width - right}" y="${height - 22}" text-anchor="end" fill="#555">send to delivery, log scale</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
