/**
 * The page's live features (issue 16) between two people on the real server: reactions
 * from the message menu, "is typing…", "Seen by" and reply quotes, each seen in both
 * pages, and axe-core at 0 violations with all of them on screen (desktop, phone, dark).
 * One server and one browser for the file; every step waits for what a page shows.
 */
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uid } from '../support/services.js';
import { audit } from '../support/web-axe.js';
import { signIn as enter, newPage, useWebTest } from '../support/web-browser.js';

const fresh = (prefix: string) => uid(prefix).replace(/[^A-Za-z0-9_-]/g, '');
// The server's own settings, receipt throttle included (one `read` per user and room a
// second): the SDK paces its marks to it, so the receipt "Seen by" waits for is not lost.
const web = useWebTest();
const pageErrors: Error[] = [];

/** What the callbacks passed to `evaluate` read in the page (Node's types have no DOM). */
declare const document: {
  getElementById(id: string): { scrollHeight: number; scrollTop: number; clientHeight: number };
};

const openPage = (options: BrowserContextOptions = {}) => newPage(web, pageErrors, options);

function message(page: Page, text: string): Locator {
  return page
    .locator('#messages ol:not([hidden]) li.message')
    .filter({ has: page.locator('.content').getByText(text, { exact: true }) });
}

function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

async function send(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
  await message(page, text).and(page.locator('[data-state="acked"]')).waitFor();
}

/** The reaction chip under `item` for `emoji` (its label is "emoji count"). */
function chip(item: Locator, emoji: string): Locator {
  return item.locator('.reactions button.reaction', { hasText: emoji });
}

describe('the web page live, two people', () => {
  it('reacts, shows typing, seen by and replies in both pages', { timeout: 180_000 }, async () => {
    const room = fresh('live');
    const ann = fresh('ann');
    const bob = fresh('bob');
    // Enough earlier messages that the room scrolls.
    const seeder = await web.parley.connect(fresh('seed'));
    await seeder.join(room);
    for (let n = 1; n <= 20; n++) await seeder.send(room, `earlier-${n}`);
    await seeder.close();
    const a = await openPage();
    const b = await openPage();
    await enter(web, a, ann, room);
    await enter(web, b, bob, room);
    // Two more people watch, for the phone and dark audits at the end.
    const phone = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    const dark = await openPage({ colorScheme: 'dark' });
    await enter(web, phone, fresh('cat'), room);
    await enter(web, dark, fresh('dan'), room);

    await send(a, 'lunch at noon?');
    await message(b, 'lunch at noon?').waitFor();

    // Bob reacts from the menu: one chip, count 1, pressed only in his page.
    await message(b, 'lunch at noon?').locator('summary').click();
    await message(b, 'lunch at noon?').getByRole('button', { name: 'React', exact: true }).click();
    await b.getByRole('button', { name: 'React with 👍' }).click();
    for (const page of [a, b]) {
      await chip(message(page, 'lunch at noon?'), '👍').filter({ hasText: '👍 1' }).waitFor();
    }
    const mine = chip(message(b, 'lunch at noon?'), '👍');
    const theirs = chip(message(a, 'lunch at noon?'), '👍');
    await b.locator('.reactions button.reaction[aria-pressed="true"]').waitFor();
    expect(await mine.getAttribute('aria-pressed')).toBe('true');
    expect(await theirs.getAttribute('aria-pressed')).toBe('false');

    // Pressing his chip again takes the reaction back, in both pages.
    await mine.click();
    for (const page of [a, b]) {
      await message(page, 'lunch at noon?').locator('.reactions').waitFor({ state: 'detached' });
    }

    // Bob types: Ann's page says so; his send ends it.
    await composer(b).pressSequentially('sure');
    const typingLine = a.locator('#typing-line');
    await typingLine.filter({ hasText: `${bob} is typing…` }).waitFor();
    await composer(b).press('Enter');
    await message(a, 'sure').waitFor();
    await typingLine.filter({ hasText: /^$/ }).waitFor();

    // Bob has scrolled up when Ann writes: the message waits below him, unread.
    // How far the room's bottom is below what `page` shows is under `px`, or over it.
    const bottomIs = (page: Page, side: 'under' | 'over', px: number) =>
      page.waitForFunction(
        ([side, px]) => {
          const s = document.getElementById('scroller');
          const below = s.scrollHeight - s.scrollTop - s.clientHeight;
          return side === 'under' ? below < px : below > px;
        },
        [side, px] as const,
      );
    await b.locator('#scroller').hover();
    await b.mouse.wheel(0, -600);
    await bottomIs(b, 'over', 200);
    await send(a, 'see you there');
    await b.getByRole('button', { name: '1 new message below ↓' }).waitFor();
    expect(await a.locator('.seen-by', { hasText: bob }).count()).toBe(0);
    // He scrolls to the bottom with the page focused: Ann sees "Seen by" him.
    await b.bringToFront();
    await b.mouse.wheel(0, 2_000);
    await bottomIs(b, 'under', 2);
    await message(a, 'see you there').locator('.seen-by', { hasText: bob }).waitFor();
    expect(await a.locator('#messages ol:not([hidden]) .seen-by').count()).toBe(1);

    // Ann replies from the menu: both pages quote the message replied to.
    await message(a, 'sure').locator('summary').click();
    await message(a, 'sure').getByRole('button', { name: 'Reply', exact: true }).click();
    await a.locator('#reply-text', { hasText: 'sure' }).waitFor();
    await send(a, 'great');
    for (const page of [a, b]) {
      await message(page, 'great')
        .locator('.reply-quote', { hasText: `${bob}: sure` })
        .waitFor();
    }

    // Every new element on screen at once, then the audits: a reaction each way, Bob
    // typing, the receipt, the quote.
    await message(a, 'great').locator('summary').click();
    await message(a, 'great').getByRole('button', { name: 'React', exact: true }).click();
    await a.getByRole('button', { name: 'React with 🎉' }).click();
    await chip(message(b, 'great'), '🎉').waitFor();
    await chip(message(b, 'great'), '🎉').click();
    await chip(message(a, 'great'), '🎉').filter({ hasText: '🎉 2' }).waitFor();
    await message(a, 'great').locator('.seen-by').waitFor();
    await composer(b).pressSequentially('on my way');
    await typingLine.filter({ hasText: `${bob} is typing…` }).waitFor();
    expect(await audit(a)).toEqual([]);

    for (const page of [phone, dark]) {
      await chip(message(page, 'great'), '🎉').filter({ hasText: '🎉 2' }).waitFor();
      await message(page, 'great').locator('.reply-quote').waitFor();
      await page.locator('#typing-line', { hasText: `${bob} is typing…` }).waitFor();
      await message(page, 'great').locator('.seen-by').waitFor();
      expect(await audit(page)).toEqual([]);
    }
    expect(pageErrors).toEqual([]);
  });
});
