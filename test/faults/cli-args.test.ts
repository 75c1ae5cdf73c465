import { describe, expect, it } from 'vitest';
import { optionText, readCli, UsageError, wholeNumber } from '../../faults/cli-args.js';
import { seedFrom } from '../../faults/random.js';

const FUZZ = { frames: 'string', connections: 'string', seed: 'string' } as const;

describe('readCli', () => {
  it('reads declared options in both spellings', () => {
    const cli = readCli(['--frames', '10', '--seed=7'], FUZZ);
    if (cli === 'help') throw new Error('not help');
    expect(wholeNumber(cli, 'frames', 100_000)).toBe(10);
    expect(wholeNumber(cli, 'connections', 16)).toBe(16);
    expect(seedFrom(optionText(cli, 'seed'), {})).toBe(7);
  });

  it('answers help for --help and -h', () => {
    expect(readCli(['--help'], FUZZ)).toBe('help');
    expect(readCli(['-h'], FUZZ)).toBe('help');
  });

  it('refuses a mistyped option instead of running the default', () => {
    expect(() => readCli(['--frame', '10'], FUZZ)).toThrow(UsageError);
    expect(() => readCli(['stray'], FUZZ)).toThrow(UsageError);
  });

  it('refuses a number that is not a whole number above 0', () => {
    for (const raw of ['0', '-1', '2.5', 'lots']) {
      const cli = readCli([`--frames=${raw}`], FUZZ);
      if (cli === 'help') throw new Error('not help');
      expect(() => wholeNumber(cli, 'frames', 1)).toThrow(/--frames/);
    }
  });

  it('takes the seed from SEED when the option is absent', () => {
    expect(seedFrom(undefined, { SEED: '42' })).toBe(42);
  });

  it('refuses a seed that is not an integer >= 0 as a usage error', () => {
    expect(() => seedFrom('-3', {})).toThrow(UsageError);
    expect(() => seedFrom('soon', {})).toThrow(UsageError);
  });
});
