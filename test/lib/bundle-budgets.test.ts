/**
 * Bundles every Lambda entry with the stack's own esbuild settings and holds each to its
 * size budget (lib/bundle-budgets.ts). Sizes are printed for the record.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGETS } from '../../lib/bundle-budgets.js';
import { esbuildOptionsFor } from '../../lib/parley-function.js';

async function bundleSize(entry: string): Promise<number> {
  const result = await build({ ...esbuildOptionsFor(entry), write: false, outdir: 'out' });
  return result.outputFiles
    .filter((f) => f.path.endsWith('.js'))
    .reduce((sum, f) => sum + f.contents.byteLength, 0);
}

describe('bundle sizes', () => {
  for (const [entry, budget] of Object.entries(BUNDLE_BUDGETS)) {
    it(`${entry} fits its budget of ${Math.round(budget / 1024)} KB`, async () => {
      const size = await bundleSize(entry);
      console.log(`bundle ${entry}: ${(size / 1024).toFixed(1)} KB (budget ${budget / 1024} KB)`);
      expect(size).toBeLessThanOrEqual(budget);
    }, 60_000);
  }
});
