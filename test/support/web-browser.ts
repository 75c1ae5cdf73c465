/**
 * What the browser tests of the web page share: Parley on the local gateway with the page
 * served, and Debian's chromium driven by playwright-core (`CHROMIUM_PATH` points elsewhere;
 * `--no-sandbox` since CI runs as root). Both start once per file and stop after it.
 */
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestParley, type TestParley } from './parley.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the tests save screenshots; Vitest runs from the repository's root. */
export const ARTIFACTS = path.join(process.cwd(), 'test', 'artifacts');

export interface WebTest {
  readonly parley: TestParley;
  readonly browser: Browser;
}

/** Registers the file's hooks; the fields are there once `beforeAll` has run. */
export function useWebTest(): WebTest {
  let parley: TestParley | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    parley = await startTestParley({}, { web: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await parley?.close();
  });
  return {
    get parley() {
      if (!parley) throw new Error('Parley is not started yet: use it inside a test');
      return parley;
    },
    get browser() {
      if (!browser) throw new Error('The browser is not started yet: use it inside a test');
      return browser;
    },
  };
}
