/**
 * An axe-core audit of a page the browser tests opened: axe is injected through the
 * DevTools protocol (which the page's CSP, no inline script, allows) and run on the page
 * as it is now.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** What the audit callback sees in the page: axe-core, injected below. */
declare const axe: {
  run(
    context: unknown,
    options: { resultTypes: string[] },
  ): Promise<{
    violations: { id: string; impact?: string | null; nodes: { target: unknown[] }[] }[];
    passes: unknown[];
  }>;
};
declare const document: unknown;

const AXE_SOURCE = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations on the page as it is now; the ids and where, to read in a failure. */
export async function audit(page: Page): Promise<string[]> {
  await page.evaluate(await AXE_SOURCE);
  const { violations, passes } = await page.evaluate(() =>
    axe.run(document, { resultTypes: ['violations'] }),
  );
  expect(passes.length).toBeGreaterThan(0); // the audit ran its rules
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${JSON.stringify(v.nodes.map((n) => n.target))}`,
  );
}
