/**
 * The command lines of `npm run faults` and `npm run fuzz`, read with node's own parser in
 * strict mode: a mistyped option (`--frame 10`) stops with one line instead of running the
 * long default, `--seed=7` and `--seed 7` both work, and `--help` prints the usage.
 */
import { parseArgs } from 'node:util';

/** A command line that cannot be run: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type CliValues = Readonly<Record<string, string | boolean | undefined>>;

/**
 * `argv`'s options, each declared as taking a value (`string`) or not (`boolean`), or
 * `'help'` when `--help`/`-h` was given. Throws UsageError on anything undeclared.
 */
export function readCli(
  argv: readonly string[],
  options: Readonly<Record<string, 'string' | 'boolean'>>,
): CliValues | 'help' {
  const declared = Object.fromEntries(
    Object.entries(options).map(([key, type]) => [key, { type }]),
  );
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { ...declared, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    });
    return values.help === true ? 'help' : values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Option `name` as a whole number above 0, `fallback` when absent. */
export function wholeNumber(values: CliValues, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && raw !== '' ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value <= 0) {
    throw new UsageError(`--${name} ${String(raw)}: expected a whole number above 0`);
  }
  return value;
}

/** Option `name` as text, or undefined. */
export function optionText(values: CliValues, name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}
