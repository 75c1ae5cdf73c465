/**
 * The chat page in a real browser: Debian's chromium driven by playwright-core, two browser
 * contexts (two people) against Parley on the local gateway. Every step waits for what the
 * page shows, never for a time.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { crowdUser, joinCrowd } from '../support/crowd.js';
import { uid } from '../support/services.js';
import { ARTIFACTS, connected, newPage, useWebTest } from '../support/web-browser.js';

/**
 * The page's DOM as the callbacks passed to `evaluate` read it: they run in the browser, but
 * this file is type-checked for Node (tsconfig/node.json has no DOM library).
 */
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  getElementById(id: string): { textContent: string | null } | null;
  activeElement: { id: string } | null;
};

/** More than the page's first page of history (50), so scrolling up has something to load. */
const SEEDED = 60;
const seedText = (n: number) => `seed-${String(n).padStart(3, '0')}`;

const web = useWebTest();
const pageErrors: Error[] = [];
const openPage = () => newPage(web, pageErrors);

/** Opens the page and joins `room` as `name` through the form, by keyboard. */
async function join(page: Page, name: string, room: string): Promise<void> {
  await page.goto(`${web.parley.server.gateway.callbackUrl}/`);
  await page.getByRole('textbox', { name: 'Your name', exact: true }).fill(name);
  await page.getByRole('textbox', { name: 'Room', exact: true }).fill(room);
  await page.getByRole('textbox', { name: 'Room', exact: true }).press('Enter');
  await connected(page);
}

/** The list item of the message whose content is exactly `text`. */
function message(page: Page, text: string) {
  return page
    .locator('#messages li')
    .filter({ has: page.locator('.content').getByText(text, { exact: true }) });
}

function onlineUser(page: Page, label: string) {
  return page.locator('#online li').getByText(label, { exact: true });
}

async function contents(page: Page): Promise<string[]> {
  return page.locator('#messages li .content').allTextContents();
}

describe('the web chat page', () => {
  it('lets two people chat: history, scroll-back, presence, delivery state, a dropped connection, reload', {
    timeout: 120_000,
  }, async () => {
    const room = uid('webroom').replace(/[^A-Za-z0-9_-]/g, '');
    // History from before anyone opened the page: more than one page of it.
    const seeder = await web.parley.connect('seeder');
    await seeder.join(room);
    for (let n = 1; n <= SEEDED; n++) await seeder.send(room, seedText(n));
    seeder.socket.close();

    const alice = await openPage();
    // alice's WebSocket goes through the test, so it can hold her sends on their way to the
    // server while a step looks at them, cut her connection, and hold her reconnect.
    let holdSends = false;
    const held: (() => void)[] = [];
    let reconnectGate: Promise<void> | undefined;
    let aliceServerSide: WebSocketRoute | undefined;
    await alice.routeWebSocket(/.*/, async (ws) => {
      // The page's socket stays "connecting" until the handler connects it.
      if (reconnectGate) await reconnectGate;
      const server = ws.connectToServer();
      aliceServerSide = server;
      ws.onMessage((frame) => {
        const forward = () => server.send(frame);
        if (holdSends && String(frame).includes('"send_message"')) held.push(forward);
        else forward();
      });
    });

    await join(alice, 'alice', room);
    await message(alice, seedText(SEEDED)).waitFor();
    // Joining shows the newest page and fetches no older one while it fills the view. One look
    // in one task of the page: an older page would be either shown already or being fetched.
    expect(
      await alice.evaluate(() => ({
        oldest: document.querySelector('#messages li .content')?.textContent,
        note: document.getElementById('history-note')?.textContent,
      })),
    ).toEqual({ oldest: seedText(SEEDED - 49), note: '' });
    // Focus lands in the message box, ready to type.
    await alice.waitForFunction(() => document.activeElement?.id === 'compose-input');

    // Scrolling to the top fetches the older page, in order, each message once.
    await alice.locator('#scroller').hover();
    await alice.mouse.wheel(0, -100_000);
    await message(alice, seedText(1)).waitFor();
    await alice.getByText('This is the start of the room.').waitFor();
    expect(await contents(alice)).toEqual(
      Array.from({ length: SEEDED }, (_, i) => seedText(i + 1)),
    );

    // bob joins second: he sees alice online; alice sees him arrive.
    const bob = await openPage();
    await join(bob, 'bob', room);
    await onlineUser(bob, 'alice').waitFor();
    await onlineUser(bob, 'bob (you)').waitFor();
    await onlineUser(alice, 'bob').waitFor();
    await message(bob, seedText(SEEDED)).waitFor();

    // alice types and presses Enter: her message shows as sending until the server acks it.
    holdSends = true;
    await alice.keyboard.type('hello bob');
    await alice.keyboard.press('Enter');
    await message(alice, 'hello bob').and(alice.locator('[data-state="pending"]')).waitFor();
    await alice.getByText('Sending…').waitFor();
    holdSends = false;
    for (const forward of held.splice(0)) forward();
    await message(alice, 'hello bob').and(alice.locator('[data-state="acked"]')).waitFor();
    await message(bob, 'hello bob').waitFor();
    expect(await message(bob, 'hello bob').locator('.author').textContent()).toBe('alice');

    // Markup in a message is shown as text, never run or rendered.
    const markup = '<img src=x onerror="document.title=1"> & <b>bold</b>';
    await alice.keyboard.type(markup);
    await alice.keyboard.press('Enter');
    await message(bob, markup).waitFor();
    expect(await bob.locator('#messages .content img, #messages .content b').count()).toBe(0);

    // Shift+Enter starts a new line instead of sending.
    await alice.keyboard.type('line one');
    await alice.keyboard.press('Shift+Enter');
    await alice.keyboard.type('line two');
    await alice.keyboard.press('Enter');
    const twoLines = message(bob, 'line one line two'); // text matching folds whitespace
    await twoLines.waitFor();
    expect(await twoLines.locator('.content').textContent()).toBe('line one\nline two');

    // bob answers with the Send button.
    await bob.getByRole('textbox', { name: 'Message', exact: true }).fill('hi alice');
    await bob.getByRole('button', { name: 'Send' }).click();
    await message(bob, 'hi alice').and(bob.locator('[data-state="acked"]')).waitFor();
    await message(alice, 'hi alice').waitFor();

    // alice's connection drops and stays down: the page says so, bob sees her go offline,
    // and what she writes meanwhile waits as "Sending…".
    let reopen = () => {};
    reconnectGate = new Promise((resolve) => {
      reopen = resolve;
    });
    await aliceServerSide?.close();
    await alice.locator('#status', { hasText: /^Reconnecting/ }).waitFor();
    await onlineUser(bob, 'alice').waitFor({ state: 'detached' });
    await bob.getByRole('textbox', { name: 'Message', exact: true }).fill('while you were away');
    await bob.keyboard.press('Enter');
    await message(bob, 'while you were away').and(bob.locator('[data-state="acked"]')).waitFor();
    await alice.keyboard.type('written offline');
    await alice.keyboard.press('Enter');
    await message(alice, 'written offline').and(alice.locator('[data-state="pending"]')).waitFor();
    // Back online: she gets what she missed, once, and her queued message goes out, once.
    reconnectGate = undefined;
    reopen();
    await connected(alice);
    await message(alice, 'while you were away').waitFor();
    await message(alice, 'written offline').and(alice.locator('[data-state="acked"]')).waitFor();
    await message(bob, 'written offline').waitFor();
    await onlineUser(bob, 'alice').waitFor();
    expect(await message(alice, 'while you were away').count()).toBe(1);
    expect(await message(bob, 'written offline').count()).toBe(1);

    // Presence as it changes: alice leaves (bob sees her go), then comes back.
    await alice.getByRole('button', { name: 'Sign out' }).click();
    await onlineUser(bob, 'alice').waitFor({ state: 'detached' });
    await alice.getByRole('button', { name: 'Join' }).click();
    await connected(alice);
    await onlineUser(bob, 'alice').waitFor();
    await message(alice, 'hi alice').waitFor();

    // A reload keeps the person, the room and its history.
    await bob.reload();
    await connected(bob);
    await message(bob, 'hello bob').waitFor();
    await message(bob, 'hi alice').waitFor();
    await onlineUser(bob, 'alice').waitFor();
    expect(await bob.locator('#room-title').textContent()).toBe(`# ${room}`);

    await mkdir(ARTIFACTS, { recursive: true });
    await alice.screenshot({ path: path.join(ARTIFACTS, 'web-chat.png') });
    expect(pageErrors).toEqual([]);
  });

  it('shows how many are online when a big room lists only some of them', {
    timeout: 120_000,
  }, async () => {
    const room = uid('bigroom').replace(/[^A-Za-z0-9_-]/g, '');
    // More users than a join reply lists (100, the joiner included).
    const crowd = await joinCrowd(web.parley, room, 101);
    try {
      const carol = await openPage();
      await join(carol, 'carol', room);
      await onlineUser(carol, 'carol (you)').waitFor();
      const count = carol.locator('#online-count');
      await count.getByText('102', { exact: true }).waitFor();
      await onlineUser(carol, 'and 2 more').waitFor();
      expect(await carol.locator('#online li').count()).toBe(101);

      // A listed user leaves: off the list, and the count drops; the unlisted stay unlisted.
      const listed = new Set(await carol.locator('#online li').allTextContents());
      const shown = crowd.findIndex((_, i) => listed.has(crowdUser(i)));
      const hidden = crowd.findIndex((_, i) => !listed.has(crowdUser(i)));
      await crowd[shown]?.close();
      await count.getByText('101', { exact: true }).waitFor();
      await onlineUser(carol, crowdUser(shown)).waitFor({
        state: 'detached',
      });
      await onlineUser(carol, 'and 2 more').waitFor();
      // An unlisted user leaves: one fewer unlisted.
      await crowd[hidden]?.close();
      await count.getByText('100', { exact: true }).waitFor();
      await onlineUser(carol, 'and 1 more').waitFor();
      expect(pageErrors).toEqual([]);
    } finally {
      await Promise.all(crowd.map((user) => user.close()));
    }
  });
});
