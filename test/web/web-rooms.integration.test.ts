/**
 * The chat page's rooms, members and moderation in a real browser (Debian's chromium via
 * playwright-core), two people in two browser contexts: a private room and its members,
 * switching rooms without leaving, mute and ban as the banned user sees them, a DM, edits
 * and deletes, and an axe-core audit of the page on a desktop and a phone viewport. Every
 * step waits for what the page shows, never for a time.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { uid } from '../support/services.js';
import { audit } from '../support/web-axe.js';
import { ARTIFACTS, newPage, signIn, useWebTest } from '../support/web-browser.js';

/** A user or room id of the page's alphabet, fresh for each run (the database is shared). */
const fresh = (prefix: string) => uid(prefix).replace(/[^A-Za-z0-9_-]/g, '');

const web = useWebTest();
const pageErrors: Error[] = [];

async function open(name: string, room: string): Promise<Page> {
  const page = await newPage(web, pageErrors, { viewport: { width: 1200, height: 800 } });
  await signIn(web, page, name, room);
  return page;
}

/** The room's button in the sidebar list, by its label (`# name` or `@ user`). */
function roomButton(page: Page, title: string): Locator {
  return page
    .locator('#rooms button')
    .filter({ has: page.locator('.room-name', { hasText: title }) });
}

/** A message of the room shown (other rooms' lists stay in the page, hidden). */
function message(page: Page, text: string): Locator {
  return page
    .locator('#messages ol:not([hidden]) li')
    .filter({ has: page.locator('.content').getByText(text, { exact: true }) });
}

function member(page: Page, userId: string): Locator {
  return page
    .locator('#members li')
    .filter({ has: page.locator('.member-name', { hasText: userId }) });
}

async function send(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
  await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
}

async function sent(page: Page, text: string): Promise<void> {
  await message(page, text).and(page.locator('[data-state="acked"]')).waitFor();
}

/** Opens a message's menu and picks an action in it. */
async function messageAction(page: Page, text: string, action: 'Edit' | 'Delete'): Promise<void> {
  const item = message(page, text);
  await item.locator('summary').click();
  await item.getByRole('button', { name: action, exact: true }).click();
}

describe('the web page: rooms, members, moderation', () => {
  it('lets an owner run a private room, moderate a member, open a DM; passes an axe audit', {
    timeout: 180_000,
  }, async () => {
    const ann = fresh('ann');
    const ben = fresh('ben');
    const lobby = fresh('lobby');
    const secret = fresh('secret');

    const a = await open(ann, lobby);
    const b = await open(ben, lobby);

    // ann creates a private room with a name: it opens, is listed, and she owns it.
    await a.getByText('New room', { exact: true }).click();
    await a.getByRole('textbox', { name: 'Room id', exact: true }).fill(secret);
    await a.getByRole('textbox', { name: 'Name (optional)' }).fill('Secret plans');
    await a.getByRole('combobox', { name: 'Visibility' }).selectOption('private');
    await a.getByRole('button', { name: 'Create room' }).click();
    await a.locator('#room-title', { hasText: '# Secret plans' }).waitFor();
    await roomButton(a, '# Secret plans').and(a.locator('[aria-current="true"]')).waitFor();
    expect(await roomButton(a, '# Secret plans').locator('.room-kind').textContent()).toBe(
      'private',
    );
    await roomButton(a, `# ${lobby}`).waitFor();
    await member(a, `${ann} (you)`).getByText('owner').waitFor();
    await a.locator('#status', { hasText: /^Connected$/ }).waitFor();

    // ann adds ben; his list shows the room once he refreshes it; he opens it and they chat.
    await a.getByRole('textbox', { name: 'Add a member (user id)' }).fill(ben);
    await a.getByRole('button', { name: 'Add member' }).click();
    await member(a, ben).locator('.role', { hasText: 'member' }).waitFor();
    await b.getByRole('button', { name: 'Refresh' }).click();
    await roomButton(b, '# Secret plans').click();
    await b.locator('#room-title', { hasText: '# Secret plans' }).waitFor();
    // A member sees roles but no moderation controls.
    await member(b, ann).locator('.role', { hasText: 'owner' }).waitFor();
    expect(await b.locator('#members details.moderate').count()).toBe(0);
    expect(await b.getByRole('button', { name: 'Add member' }).isVisible()).toBe(false);
    await send(b, 'hi from ben');
    await message(a, 'hi from ben').waitFor();

    // ben switches to the lobby without leaving the private room: ann's next message there
    // still reaches him, as the list's preview shows; back in the room it is in its place.
    // By keyboard: the list's entries are real buttons.
    await roomButton(b, `# ${lobby}`).focus();
    await b.keyboard.press('Enter');
    await b.locator('#room-title', { hasText: `# ${lobby}` }).waitFor();
    await send(a, 'while you look elsewhere');
    await sent(a, 'while you look elsewhere');
    await roomButton(b, '# Secret plans')
      .locator('.room-preview', { hasText: `${ann}: while you look elsewhere` })
      .waitFor();
    // Newest activity first: the private room is above the lobby now.
    expect(await b.locator('#rooms .room-name').first().textContent()).toBe('# Secret plans');
    await roomButton(b, '# Secret plans').click();
    await message(b, 'while you look elsewhere').waitFor();
    await message(b, 'hi from ben').waitFor();

    // An edit and a delete of ann's show on ben's page.
    await send(a, 'first draft');
    await sent(a, 'first draft');
    await message(b, 'first draft').waitFor();
    await messageAction(a, 'first draft', 'Edit');
    const editor = a.getByRole('textbox', { name: /^Edit message \d+$/ });
    await editor.fill('final text');
    await editor.press('Enter');
    await message(b, 'final text').locator('.edited').waitFor();
    await message(a, 'final text').locator('.edited').waitFor();
    await send(a, 'oops, wrong room');
    await message(b, 'oops, wrong room').waitFor();
    await messageAction(a, 'oops, wrong room', 'Delete');
    await message(b, 'message deleted').waitFor();
    await message(a, 'message deleted').waitFor();
    expect(await message(b, 'oops, wrong room').count()).toBe(0);
    // ben may not edit or delete ann's messages: his menu on them offers Reply only.
    await message(b, 'final text').locator('summary').click();
    await message(b, 'final text').getByRole('button', { name: 'Reply', exact: true }).waitFor();
    expect(await message(b, 'final text').getByRole('button', { name: 'Delete' }).isVisible()).toBe(
      false,
    );
    expect(await message(b, 'final text').getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await message(b, 'final text').locator('summary').click();

    // The owner's controls on a phone viewport, with the member's menu open: no violations.
    const moderate = member(a, ben).locator('details.moderate');
    await moderate.locator('summary').click();
    await moderate.getByRole('button', { name: `Mute ${ben}` }).waitFor();
    expect(await audit(a)).toEqual([]);
    expect(await audit(b)).toEqual([]);
    await mkdir(ARTIFACTS, { recursive: true });
    await a.screenshot({ path: path.join(ARTIFACTS, 'web-rooms-owner.png') });
    await b.screenshot({ path: path.join(ARTIFACTS, 'web-rooms-member.png') });
    await a.setViewportSize({ width: 390, height: 844 });
    expect(await audit(a)).toEqual([]);
    await a.screenshot({ path: path.join(ARTIFACTS, 'web-rooms-phone.png'), fullPage: true });
    await a.setViewportSize({ width: 1200, height: 800 });

    // ann makes ben an admin: his page gets the admin's controls (add a member, delete
    // anyone's message) at once, from the member_update.
    await moderate.getByRole('combobox', { name: `Role of ${ben}` }).selectOption('admin');
    await moderate.getByRole('button', { name: `Set role ${ben}` }).click();
    await member(a, ben).locator('.role', { hasText: 'admin' }).waitFor();
    await b.getByRole('button', { name: 'Add member' }).waitFor();
    await message(b, 'final text').locator('summary').click();
    await message(b, 'final text').getByRole('button', { name: 'Delete', exact: true }).waitFor();
    expect(await message(b, 'final text').getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await message(b, 'final text').locator('summary').click();

    // ann mutes ben: his send fails with the reason on the status line.
    await moderate.getByRole('button', { name: `Mute ${ben}` }).click();
    await member(a, ben).locator('.flag', { hasText: 'muted' }).waitFor();
    await b.locator('#notice', { hasText: 'You were muted' }).waitFor();
    await send(b, 'can I still talk?');
    await message(b, 'can I still talk?').and(b.locator('[data-state="failed"]')).waitFor();
    await b.locator('#notice', { hasText: /Not allowed: .*\(forbidden\)/ }).waitFor();
    expect(await message(a, 'can I still talk?').count()).toBe(0);

    // ann bans ben for ten minutes: his page says so and the room leaves his list.
    const ban = member(a, ben).locator('details.moderate');
    await ban.getByRole('spinbutton', { name: 'Minutes (empty: until unbanned)' }).fill('10');
    await ban.getByRole('textbox', { name: 'Reason (optional)' }).fill('testing bans');
    await ban.getByRole('button', { name: `Ban ${ben}` }).click();
    await b.locator('#notice', { hasText: 'You were banned from # Secret plans' }).waitFor();
    await roomButton(b, '# Secret plans').waitFor({ state: 'detached' });
    await b.locator('#room-title', { hasText: `# ${lobby}` }).waitFor();
    // Trying to get back in is refused on the status line; ben stays where he was.
    await b.getByText('Join a public room', { exact: true }).click();
    await b.getByRole('textbox', { name: 'Room id', exact: true }).fill(secret);
    await b.getByRole('button', { name: 'Join room' }).click();
    await b.locator('#notice', { hasText: /Not allowed: .*\(forbidden\)/ }).waitFor();
    await b.locator('#room-title', { hasText: `# ${lobby}` }).waitFor();
    await message(b, 'hi from ben').waitFor({ state: 'detached' });
    // A banned user is no member: off ann's list of members.
    await member(a, ben).waitFor({ state: 'detached' });

    // ann opens a DM with ben: it is named after him on her page, after her on his.
    await a.getByText('Message a user', { exact: true }).click();
    await a.getByRole('textbox', { name: 'User id', exact: true }).fill(ben);
    await a.getByRole('button', { name: 'Open conversation' }).click();
    await a.locator('#room-title', { hasText: `@ ${ben}` }).waitFor();
    expect(await roomButton(a, `@ ${ben}`).locator('.room-kind').textContent()).toBe('DM');
    // No moderation in a DM, even for the one who opened it.
    await member(a, ben).waitFor();
    expect(await a.locator('#members details.moderate').count()).toBe(0);
    await send(a, 'a word in private');
    await sent(a, 'a word in private');
    await b.getByRole('button', { name: 'Refresh' }).click();
    await roomButton(b, `@ ${ann}`).click();
    await message(b, 'a word in private').waitFor();
    await send(b, 'sure');
    await message(a, 'sure').waitFor();
    expect(await audit(b)).toEqual([]);

    // ann lifts the ban: ben is a member again, and the room is back in his list.
    await roomButton(a, '# Secret plans').click();
    await a.getByRole('textbox', { name: 'Unban a user (user id)' }).fill(ben);
    await a.getByRole('button', { name: 'Unban', exact: true }).click();
    await member(a, ben).waitFor();
    await b.getByRole('button', { name: 'Refresh' }).click();
    await roomButton(b, '# Secret plans').waitFor();

    expect(pageErrors).toEqual([]);
  });
});
