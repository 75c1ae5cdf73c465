/**
 * What the browser tests of the web page share: Parley on the local gateway with the page
 * served, and Debian's chromium driven by playwright-core (`CHROMIUM_PATH` points elsewhere;
 * `--no-sandbox` since CI runs as root). Both start once per file and stop after it.
 */
import path from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestParley, type TestParley } from './parley.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the tests save screenshots; Vitest runs from the repository's root. */
export const ARTIFACTS = path.join(process.cwd(), 'test', 'artifacts');

export interface WebTest {
  readonly parley: TestParley;
  readonly browser: Browser;
}

/**
 * A new person: a browser context of their own (1000x700 unless `options` say otherwise)
 * and its page, whose exceptions go to `errors`, so a test fails on them instead of
 * passing them unnoticed.
 */
export async function newPage(
  web: WebTest,
  errors: Error[],
  options: BrowserContextOptions = {},
): Promise<Page> {
  const context = await web.browser.newContext({
    viewport: { width: 1000, height: 700 },
    ...options,
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(error));
  return page;
}

/** Opens the page and signs in as `name` into `room` through the form; waits to connect. */
export async function signIn(web: WebTest, page: Page, name: string, room: string): Promise<void> {
  await page.goto(`${web.parley.server.gateway.callbackUrl}/`);
  await page.getByRole('textbox', { name: 'Your name', exact: true }).fill(name);
  await page.getByRole('textbox', { name: 'Room', exact: true }).fill(room);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await connected(page);
}

export async function connected(page: Page): Promise<void> {
  await page.locator('#status', { hasText: /^Connected$/ }).waitFor();
}

/**
 * Registers the file's hooks; the fields are there once `beforeAll` has run. `env`: the
 * server's settings beyond the test defaults.
 */
export function useWebTest(env: Record<string, string> = {}): WebTest {
  let parley: TestParley | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    parley = await startTestParley(env, { web: true });
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
