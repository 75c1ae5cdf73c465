/**
 * The chat page as people expect it (issue 16): grouping and day lines, safe links, unread
 * badges and the tab's count, "new messages below", a failed send kept with Retry and
 * Edit, an outage told as such, a phone layout, and axe-core at 0 violations on desktop,
 * phone and dark. Debian's chromium via playwright-core; one server and one browser for
 * the file. Every step waits for what the page shows, never for a time.
 * `UPDATE_SCREENSHOTS=1` saves the screenshots to docs/screenshots/ instead of the
 * test artifacts.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContextOptions, Locator, Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uid } from '../support/services.js';
import { audit } from '../support/web-axe.js';
import {
  ARTIFACTS,
  connected,
  signIn as enter,
  newPage,
  useWebTest,
} from '../support/web-browser.js';

/** What the callbacks passed to `evaluate` read in the page (Node's types have no DOM). */
declare const document: {
  title: string;
  getElementById(id: string): {
    scrollHeight: number;
    scrollTop: number;
    clientHeight: number;
  } | null;
  querySelector(selector: string): unknown;
  documentElement: { scrollWidth: number; clientWidth: number };
};
declare const window: { hacked?: unknown; scrollTo(x: number, y: number): void };

const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? path.join(process.cwd(), 'docs', 'screenshots')
  : ARTIFACTS;
/** Enough messages to scroll, fewer than a page (50), so no scroll-back fetch interferes. */
const FILLER = 30;
const DAY_MS = 86_400_000;

const fresh = (prefix: string) => uid(prefix).replace(/[^A-Za-z0-9_-]/g, '');
const web = useWebTest();
const pageErrors: Error[] = [];

const openPage = (options: BrowserContextOptions = {}) => newPage(web, pageErrors, options);
const signIn = (page: Page, name: string, room: string) => enter(web, page, name, room);

function message(page: Page, text: string): Locator {
  return page
    .locator('#messages ol:not([hidden]) li.message')
    .filter({ has: page.locator('.content').getByText(text, { exact: true }) });
}

function roomButton(page: Page, roomId: string): Locator {
  return page.locator(`#rooms button[data-room-id="${roomId}"]`);
}

/** Joins public room `other` from the form, then goes back to `back`: both stay joined. */
async function joinAnother(page: Page, other: string, back: string): Promise<void> {
  await page.getByText('Join a public room', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Room id', exact: true }).fill(other);
  await page.getByRole('button', { name: 'Join room' }).click();
  await page.locator('#room-title', { hasText: `# ${other}` }).waitFor();
  await roomButton(page, back).click();
  await page.locator('#room-title', { hasText: `# ${back}` }).waitFor();
  await roomButton(page, other).waitFor();
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
  await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
}

describe('the web page as a 2026 chat', () => {
  it('groups, links safely, counts unread, keeps failed sends, tells an outage, fits a phone', {
    timeout: 180_000,
  }, async () => {
    const roomA = fresh('uxa');
    const roomB = fresh('uxb');
    const alice = fresh('alice');
    const bob = fresh('bob');
    const seeder = await web.parley.connect(fresh('seed'));
    await seeder.join(roomA);
    await seeder.join(roomB);
    await seeder.send(roomA, 'g1 hello');
    await seeder.send(roomA, 'g2 see https://example.com/docs?x=1.');
    const payload = '<script>window.hacked=1</script> javascript:alert(1) <a href=x>y</a>';
    await seeder.send(roomA, payload);
    for (let n = 1; n <= FILLER; n++) await seeder.send(roomA, `fill-${n}`);

    // bob reads the room a day later (his page's clock): the history is "Yesterday",
    // the seeder's run shares one header, the link is a safe link, the payload is text.
    const b = await openPage();
    await b.clock.setFixedTime(new Date(Date.now() + DAY_MS));
    await signIn(b, bob, roomA);
    await message(b, `fill-${FILLER}`).waitFor();
    expect(await b.locator('#messages li.day-separator').allTextContents()).toEqual(['Yesterday']);
    expect(await message(b, 'g1 hello').getAttribute('class')).not.toContain('continued');
    expect(await message(b, payload).getAttribute('class')).toContain('continued');
    const link = message(b, 'g2 see https://example.com/docs?x=1.').locator('a');
    expect(await link.getAttribute('href')).toBe('https://example.com/docs?x=1');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.textContent()).toBe('https://example.com/docs?x=1');
    expect(await message(b, payload).locator('a, script').count()).toBe(0);
    expect(await b.evaluate(() => window.hacked)).toBeUndefined();
    expect(await message(b, payload).locator('.content').getAttribute('dir')).toBe('auto');

    // alice's socket goes through the test: it can fail her sends and cut her off.
    const a = await openPage();
    let failSends = false;
    let gate: Promise<void> | undefined;
    let serverSide: WebSocketRoute | undefined;
    await a.routeWebSocket(/.*/, async (ws) => {
      if (gate) await gate;
      const server = ws.connectToServer();
      serverSide = server;
      ws.onMessage((frame) => {
        const text = String(frame);
        if (failSends && text.includes('"send_message"')) {
          const { requestId } = JSON.parse(text) as { requestId?: string };
          const refusal = { type: 'error', code: 'rate_limited', message: 'Too many messages' };
          ws.send(JSON.stringify({ ...refusal, retryAfterMs: 1000, requestId }));
        } else {
          server.send(frame);
        }
      });
    });
    await signIn(a, alice, roomA);
    await message(a, `fill-${FILLER}`).waitFor();
    expect(await a.locator('#messages li.day-separator').allTextContents()).toEqual(['Today']);
    // She joins the second room, then goes back to the first.
    await joinAnother(a, roomB, roomA);

    // A message in the room she is not looking at raises its badge and the tab's count;
    // one that names her adds the @ marker; one in the room she reads does neither.
    const overHere = await seeder.send(roomB, 'over here');
    await roomButton(a, roomB).locator('.badge.unread', { hasText: /^1/ }).waitFor();
    await a.waitForFunction(() => document.title.startsWith('(1) '));
    await seeder.send(roomB, `psst @${alice}`);
    await roomButton(a, roomB).locator('.badge.unread', { hasText: /^2/ }).waitFor();
    await roomButton(a, roomB).locator('.badge.mention').waitFor();
    await seeder.send(roomA, 'in the open room');
    await message(a, 'in the open room').waitFor();
    await a.waitForFunction(() => document.title.startsWith('(2) '));
    expect(await roomButton(a, roomA).locator('.badge').count()).toBe(0);

    // Scrolled up, a new message does not move her: a button says it is below.
    await a.locator('#scroller').hover();
    await a.mouse.wheel(0, -600);
    await a.waitForFunction(() => {
      const s = document.getElementById('scroller');
      return s !== null && s.scrollHeight - s.scrollTop - s.clientHeight > 200;
    });
    await seeder.send(roomA, 'while scrolled up');
    const jump = a.getByRole('button', { name: '1 new message below ↓' });
    await jump.waitFor();
    await roomButton(a, roomA).locator('.badge.unread', { hasText: /^1/ }).waitFor();
    await jump.click();
    await jump.waitFor({ state: 'hidden' });
    await roomButton(a, roomA).locator('.badge').waitFor({ state: 'detached' });

    // Opening the other room: its badge goes, a line marks where the unread begin.
    await roomButton(a, roomB).click();
    await message(a, `psst @${alice}`).locator('mark.mention').waitFor();
    await roomButton(a, roomB).locator('.badge').waitFor({ state: 'detached' });
    await a.waitForFunction(() => !document.title.startsWith('('));
    expect(await a.locator('#messages ol:not([hidden]) li.unread-marker').textContent()).toBe(
      'New messages',
    );

    // A refused send stays, with Retry (which then goes through) and Edit.
    failSends = true;
    await send(a, 'will fail first');
    const failed = message(a, 'will fail first');
    await failed.and(a.locator('[data-state="failed"]')).waitFor();
    failSends = false;
    const arrives = seeder.nextMessage(roomB, 'will fail first');
    await failed.getByRole('button', { name: 'Retry' }).click();
    await failed.and(a.locator('[data-state="acked"]')).waitFor();
    await arrives;
    expect(await message(a, 'will fail first').count()).toBe(1);
    failSends = true;
    await send(a, 'fix me');
    await message(a, 'fix me').and(a.locator('[data-state="failed"]')).waitFor();
    failSends = false;
    await message(a, 'fix me').getByRole('button', { name: 'Edit' }).click();
    await message(a, 'fix me').waitFor({ state: 'detached' });
    expect(await a.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe(
      'fix me',
    );

    // Near the limit a counter shows; over it, Send is blocked.
    await a.getByRole('textbox', { name: 'Message', exact: true }).fill('x'.repeat(3700));
    await a.locator('#compose-count', { hasText: '3700 / 4000' }).waitFor();
    await a.getByRole('textbox', { name: 'Message', exact: true }).fill('x'.repeat(4001));
    await a.locator('#compose-count', { hasText: '1 characters over' }).waitFor();
    expect(await a.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await a.getByRole('textbox', { name: 'Message', exact: true }).fill('');

    // Reply: the menu's Reply puts a quote over the composer; the message quotes it.
    await message(a, 'over here').locator('summary').click();
    await message(a, 'over here').getByRole('button', { name: 'Reply', exact: true }).click();
    await a.locator('#reply-text', { hasText: 'over here' }).waitFor();
    await send(a, 'answering that');
    await message(a, 'answering that').and(a.locator('[data-state="acked"]')).waitFor();
    expect(await message(a, 'answering that').locator('.reply-quote').textContent()).toContain(
      'over here',
    );

    // Reactions: the seeder's, then hers from the menu on the same emoji: one chip, 2,
    // pressed for her.
    const react = (seq: number, emoji: string, roomId = roomB) =>
      seeder.request({ action: 'react', roomId, seq, emoji, on: true });
    await react(overHere.seq, '👍');
    await react(overHere.seq, '🎉');
    await message(a, 'over here').locator('button.reaction', { hasText: '🎉 1' }).waitFor();
    await message(a, 'over here').locator('summary').click();
    await message(a, 'over here').getByRole('button', { name: 'React', exact: true }).click();
    await a.getByRole('button', { name: 'React with 👍' }).click();
    await message(a, 'over here')
      .locator('button.reaction[aria-pressed="true"]', { hasText: '👍 2' })
      .waitFor();

    // Desktop audit and screenshot, with badges, reactions, quote and the unread line on
    // screen.
    const busy = await seeder.send(roomA, `busy @${alice}`);
    await roomButton(a, roomA).locator('.badge.mention').waitFor();
    expect(await audit(a)).toEqual([]);
    await mkdir(SHOTS, { recursive: true });
    await a.screenshot({ path: path.join(SHOTS, 'web-desktop.png') });

    // The server goes away: no token, no socket. The page says unreachable, not
    // unauthorized, greys who is online, and clears it all when the server is back.
    let reopen = () => {};
    gate = new Promise((resolve) => {
      reopen = resolve;
    });
    // The second refused token means the page has handled the first one's error.
    let refused = 0;
    let twice = () => {};
    const refusedTwice = new Promise<void>((resolve) => {
      twice = resolve;
    });
    await a.route('**/dev-token*', async (route) => {
      await route.abort('connectionrefused');
      if (++refused === 2) twice();
    });
    await serverSide?.close();
    await a.locator('#outage', { hasText: 'Server unreachable, retrying…' }).waitFor();
    await a.locator('#people[data-stale]').waitFor();
    await refusedTwice;
    expect(await a.locator('#notice').textContent()).not.toContain('unauthorized');
    expect(await a.locator('#outage').isVisible()).toBe(true);
    await a.unroute('**/dev-token*');
    gate = undefined;
    reopen();
    await connected(a);
    await a.locator('#outage').waitFor({ state: 'hidden' });
    expect(await a.locator('#people[data-stale]').count()).toBe(0);
    expect(await a.locator('#notice').textContent()).not.toContain('unauthorized');

    // Signing in while the server is unreachable says so, not the browser's "Failed to fetch".
    const early = await openPage();
    await early.route('**/dev-token*', (route) => route.abort('connectionrefused'));
    await early.goto(`${web.parley.server.gateway.callbackUrl}/`);
    await early.getByRole('textbox', { name: 'Your name', exact: true }).fill(fresh('dave'));
    await early.getByRole('button', { name: 'Join', exact: true }).click();
    await early.locator('#join-error', { hasText: /^Server unreachable/ }).waitFor();
    await early.context().close();

    // For the phone and dark screenshots: a reply and reactions in the first room, and
    // (once each has joined it too) an unread message in the second.
    await seeder.request({
      action: 'send_message',
      roomId: roomA,
      content: 'on my way',
      replyTo: busy.seq,
    });
    await react(busy.seq, '🎉', roomA);
    await react(busy.seq, '❤️', roomA);
    const unreadElsewhere = async (page: Page, text: string) => {
      await message(page, 'on my way').locator('.reply-quote').waitFor();
      await message(page, `busy @${alice}`).locator('button.reaction', { hasText: '❤️' }).waitFor();
      await joinAnother(page, roomB, roomA);
      await seeder.send(roomB, text);
      await roomButton(page, roomB).locator('.badge.unread', { hasText: /^1/ }).waitFor();
    };

    // A phone: one header row, the people behind a button the keyboard reaches.
    const phone = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signIn(phone, bob, roomA);
    await message(phone, 'while scrolled up').waitFor();
    await unreadElsewhere(phone, 'for the phone');
    // Nothing wider than the screen: the long one-line reply quote is cut, not scrolled to.
    expect(
      await phone.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      ),
    ).toBe(0);
    const header = await phone.locator('header.topbar').boundingBox();
    expect(header?.height).toBeLessThan(60);
    const toggle = phone.getByRole('button', { name: 'People' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await phone.locator('#people').isVisible()).toBe(false);
    await toggle.focus();
    await phone.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await phone.locator('#online li', { hasText: `${bob} (you)` }).waitFor();
    expect(await audit(phone)).toEqual([]);
    // Back to the top (the room buttons clicked above scrolled the page): the shot shows
    // the header, the badge and the newest messages.
    await phone.evaluate(() => window.scrollTo(0, 0));
    await phone.screenshot({ path: path.join(SHOTS, 'web-mobile.png') });

    // Dark, from the system's preference: the same page, still passing the audit.
    const dark = await openPage({ colorScheme: 'dark' });
    await signIn(dark, fresh('carol'), roomA);
    await message(dark, `busy @${alice}`).waitFor();
    await unreadElsewhere(dark, 'for the dark page');
    expect(await audit(dark)).toEqual([]);
    await dark.screenshot({ path: path.join(SHOTS, 'web-dark.png') });

    await seeder.close();
    expect(pageErrors).toEqual([]);
  });
});
