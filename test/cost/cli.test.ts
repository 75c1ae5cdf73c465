/** `npm run cost`'s command line: defaults, options, and one clear line for anything wrong. */
import { describe, expect, it } from 'vitest';
import { readRequest, runCost } from '../../cost/request.js';
import { UsageError } from '../../faults/cli-args.js';

function run(argv: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCost(
    argv,
    (t) => out.push(t),
    (t) => err.push(t),
  );
  return { code, out, err };
}

describe('readRequest', () => {
  it('reads the load and the profile', () => {
    const request = readRequest([
      '--users',
      '2000',
      '--messages-per-day=200000',
      '--room-size',
      '20',
      '--profile',
      'ha',
      '--typing',
      '0',
      '--free-tier',
    ]);
    if (request === 'help') throw new Error('not help');
    expect(request.load).toMatchObject({ users: 2000, messagesPerDay: 200000, roomSize: 20 });
    expect(request.load.typingSeconds).toBe(0);
    expect(request.profile).toBe('ha');
    expect(request.freeTier).toBe(true);
  });

  it.each([
    [['--users', '0']],
    [['--users', '2.5']],
    [['--room-size', '1']],
    [['--messages-per-day', 'lots']],
    [['--live-readers', '1.5']],
    [['--files-per-day', '30000', '--messages-per-day', '20000']],
    [['--profile', 'huge']],
    [['--user', '5']],
    [['stray']],
  ])('refuses %j', (argv) => {
    expect(() => readRequest(argv)).toThrow(UsageError);
  });
});

describe('runCost', () => {
  it('prints the bill, its total first, and exits 0', () => {
    const { code, out, err } = run(['--profile', 'lean']);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(out.join('\n')).toMatch(/^Parley on the lean profile: \$[\d,]+\.\d\d a month/);
    expect(out.join('\n')).toContain('Assumptions:');
  });

  it('prints JSON whose lines add up to its total', () => {
    const { code, out } = run(['--json']);
    expect(code).toBe(0);
    const parsed = JSON.parse(out.join('\n')) as { lines: { usd: number }[]; totalUsd: number };
    expect(parsed.lines.reduce((s, l) => s + l.usd, 0)).toBeCloseTo(parsed.totalUsd, 9);
  });

  it('exits 2 with one line for a bad argument', () => {
    const { code, out, err } = run(['--users=-3']);
    expect(code).toBe(2);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^cost: usage: --users -3: /);
  });

  it('prints the usage for --help', () => {
    const { code, out } = run(['--help']);
    expect(code).toBe(0);
    expect(out.join('\n')).toContain('--messages-per-day');
  });
});
