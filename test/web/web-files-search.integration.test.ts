/**
 * The page's issue 17 additions in a real browser (Debian's chromium via playwright-core)
 * against the real server as `npm run dev` wires it: the local gateway's handlers, the
 * local S3 (its thumbnail worker after each PUT) and the page served with a CSP naming
 * the storage's origin. Files: the paperclip, drop and paste upload for real (signed PUTs
 * the browser sends), the tray with Remove, the server's refusals (a type it does not
 * sign, a file over UPLOAD_MAX_BYTES) on their row, an image inline from its thumbnail,
 * a text file as a link whose bytes come back. Search: messages the test sent, found by
 * PostgreSQL's full text, matches in <mark> with the rest as text, "More results", a hit
 * opening its room at the message (older pages fetched to reach it). Encrypted rooms: the
 * checkbox, the passphrase dialog, a message PostgreSQL holds only as a `pe1.` envelope,
 * read in plaintext by a second person with the passphrase and locked for a third without
 * it, and a file stored encrypted that the second person's page decrypts and saves.
 * A first join lists the new room's members once the join has created it.
 * axe-core at 0 violations on desktop, phone and dark; nothing wider than the phone.
 * Every step waits for what the page shows.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { BrowserContextOptions, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../client/index.js';
import { type LocalFiles, startLocalFiles } from '../../local/s3/local-files.js';
import { uid } from '../support/services.js';
import { audit } from '../support/web-axe.js';
import { ARTIFACTS, signIn as enter, newPage, useWebTest } from '../support/web-browser.js';

/** What the callbacks passed to `evaluate` read in the page (Node's types have no DOM). */
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

const fresh = (prefix: string) => uid(prefix).replace(/[^A-Za-z0-9_-]/g, '');
/** Largest file the server signs here (UPLOAD_MAX_BYTES). */
const MAX_SIZE = 5000;
/** The server's settings: filled with the local S3's before the server starts. */
const env: Record<string, string> = { UPLOAD_MAX_BYTES: String(MAX_SIZE) };
let dir: string;
let files: LocalFiles;
// Registered before `useWebTest`'s hooks, so the local S3 is up when the server starts.
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-web-files-'));
  files = await startLocalFiles({ dataDir: dir });
  Object.assign(env, files.env);
});
afterAll(async () => {
  await files?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});
const web = useWebTest(env);
const pageErrors: Error[] = [];

let PNG: Buffer;
beforeAll(async () => {
  PNG = await sharp({
    create: { width: 320, height: 200, channels: 3, background: { r: 30, g: 110, b: 190 } },
  })
    .png()
    .toBuffer();
});
/** A word no other test sends (letters only, so full text keeps it whole). */
const WORD = `needle${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;

function message(page: Page, text: string) {
  return page
    .locator('#messages ol:not([hidden]) li.message')
    .filter({ has: page.locator('.content').getByText(text, { exact: true }) });
}

async function open(options: BrowserContextOptions, name: string, room: string) {
  const page = await newPage(web, pageErrors, {
    viewport: { width: 1200, height: 800 },
    acceptDownloads: true,
    ...options,
  });
  await enter(web, page, name, room);
  return page;
}

/** The tray's row of a file. */
const trayRow = (page: Page, name: string) =>
  page.locator('#upload-tray li').filter({ has: page.locator('.upload-name', { hasText: name }) });

/** Files into the tray through the paperclip's picker: two that upload, one refused. */
async function pickFiles(page: Page): Promise<void> {
  await page.locator('#attach-input').setInputFiles([
    { name: 'chart.png', mimeType: 'image/png', buffer: PNG },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello notes') },
    { name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') },
  ]);
  await trayRow(page, 'chart.png').locator('.upload-status', { hasText: 'Ready' }).waitFor();
  await trayRow(page, 'notes.txt').locator('.upload-status', { hasText: 'Ready' }).waitFor();
  await trayRow(page, 'tool.exe')
    .getByRole('alert')
    .filter({
      hasText:
        'Not uploaded: contentType: application/x-msdownload may not be uploaded (bad_request)',
    })
    .waitFor();
}

/** Waits until the image has real pixels (not a broken one): brought into view, as it loads lazily. */
async function showsImage(page: Page, name: string, text: string): Promise<void> {
  const img = message(page, text).getByRole('img', { name });
  await img.scrollIntoViewIfNeeded();
  await expect.poll(() => loaded(page, name, text), { timeout: 20_000 }).toBe(true);
}

const loaded = (page: Page, name: string, text: string) =>
  message(page, text)
    .getByRole('img', { name })
    .evaluate(
      (img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0,
    );

async function storedContents(roomId: string): Promise<string[]> {
  const db = new pg.Client({ connectionString: web.parley.env.DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query<{ content: string }>(
      'SELECT content FROM messages WHERE room_id = $1 ORDER BY seq',
      [roomId],
    );
    return rows.map((row) => row.content);
  } finally {
    await db.end();
  }
}

describe('the web page against the real server: files, search, encrypted rooms', () => {
  it('uploads, shows attachments, searches and opens hits, encrypts rooms, stays accessible', {
    timeout: 300_000,
  }, async () => {
    const room = fresh('files');
    const alice = fresh('alice');
    const seeder = await web.parley.connect(fresh('seed'));
    expect((await seeder.joinWhenAvailable(room)).type).toBe('room_history');
    // One page of search results is 20: 21 hits make "More results"; the first is far back.
    const early = await seeder.send(room, `${WORD} early one`);
    for (let n = 1; n <= 60; n++) await seeder.send(room, `filler ${n}`);
    for (let n = 1; n <= 19; n++) await seeder.send(room, `${WORD} middle ${n}`);
    const late = await seeder.send(room, `${WORD} late <img src=x onerror="window.hacked=1">`);

    const page = await open({}, alice, room);
    await message(page, `${WORD} late <img src=x onerror="window.hacked=1">`).waitFor();

    // Search: the match in a <mark>, the rest text (no element from the message's markup).
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill(WORD);
    await box.press('Enter');
    const hits = page.locator('#search-list li');
    await page
      .locator('#search-note', { hasText: `20 messages match "${WORD}" so far.` })
      .waitFor();
    const lateHit = hits.filter({ hasText: 'late' });
    expect(await lateHit.locator('mark').allTextContents()).toEqual([WORD]);
    // (PostgreSQL's ts_headline drops tag-like words from snippets; the rest is text.)
    expect(await lateHit.locator('.search-snippet').textContent()).toMatch(
      new RegExp(`^${WORD} late`),
    );
    expect(await page.locator('#search-list img').count()).toBe(0);
    expect(await page.evaluate('window.hacked')).toBeUndefined();
    expect(await lateHit.locator('.search-author').textContent()).toBe(late.userId);
    expect(await lateHit.locator('.search-room').textContent()).toBe(`# ${room}`);
    await page.getByRole('button', { name: 'More results' }).click();
    await page.locator('#search-note', { hasText: `21 messages match "${WORD}".` }).waitFor();
    await page.getByRole('button', { name: 'More results' }).waitFor({ state: 'hidden' });

    // Opening the early hit fetches older pages until its seq is there, and shows it.
    await hits
      .filter({ hasText: `${WORD} early` })
      .getByRole('button')
      .click();
    const found = page.locator('#messages ol:not([hidden]) li.message.found');
    await found.waitFor();
    expect(await found.getAttribute('data-seq')).toBe(String(early.seq));
    await expect
      .poll(() => found.evaluate((node) => node === node.ownerDocument.activeElement))
      .toBe(true);

    // Files: two upload (the browser PUTs to the local S3), one is refused in the server's
    // words; a file over the limit too; Remove takes it away.
    const puts: { url: string; status: number }[] = [];
    page.on('response', (response) => {
      if (response.request().method() === 'PUT') {
        puts.push({ url: response.url(), status: response.status() });
      }
    });
    await pickFiles(page);
    expect(puts).toHaveLength(2);
    for (const put of puts) {
      expect(put.url.startsWith(`${files.endpoint}/`)).toBe(true);
      expect(put.status).toBe(200);
    }
    await page
      .locator('#attach-input')
      .setInputFiles([
        { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(MAX_SIZE + 1, 120) },
      ]);
    await trayRow(page, 'big.txt')
      .getByText(`Not uploaded: size: files are at most ${MAX_SIZE} bytes (payload_too_large)`)
      .waitFor();
    await page.getByRole('button', { name: 'Remove big.txt' }).click();
    await trayRow(page, 'big.txt').waitFor({ state: 'detached' });

    // Axe, with the search results, the tray and its refusal on screen.
    expect(await audit(page)).toEqual([]);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-files-search-desktop.png') });

    // Send: the message carries the two that uploaded; the image shows (its thumbnail,
    // which the worker made after the PUT), the text file is a link to its bytes.
    const heard = seeder.nextMessage(room, 'the chart');
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('the chart');
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    const sent = message(page, 'the chart');
    await sent.locator('.attachments').waitFor();
    await page.locator('#upload-tray').waitFor({ state: 'hidden' });
    const attachments = ((await heard).message as Message).attachments ?? [];
    expect(attachments.map((a) => [a.fileName, a.contentType, a.size])).toEqual([
      ['chart.png', 'image/png', PNG.length],
      ['notes.txt', 'text/plain', 11],
    ]);
    const thumbnail = attachments[0]?.thumbnailUrl ?? '';
    await expect.poll(async () => (await fetch(thumbnail)).status).toBe(200);
    const img = sent.getByRole('img', { name: 'chart.png' });
    expect(await img.getAttribute('width')).toBe('240');
    await showsImage(page, 'chart.png', 'the chart');
    const imageLink = sent.locator('a.attachment-image');
    expect(await imageLink.getAttribute('target')).toBe('_blank');
    expect(await imageLink.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await imageLink.getAttribute('href')).toMatch(new RegExp(`^${files.endpoint}/`));
    const fileLink = sent.getByRole('link', { name: /notes\.txt/ });
    expect(await fileLink.textContent()).toBe('📄notes.txt11 B');
    const href = (await fileLink.getAttribute('href')) ?? '';
    expect(href.startsWith(`${files.endpoint}/`)).toBe(true);
    expect(await (await fetch(href)).text()).toBe('hello notes');

    // Drop on the conversation, and paste of an image into the message box.
    const dropped = await page.evaluateHandle(`(() => {
      const data = new DataTransfer();
      data.items.add(new File(['dropped'], 'dropped.txt', { type: 'text/plain' }));
      return data;
    })()`);
    await page.locator('section.conversation').dispatchEvent('drop', { dataTransfer: dropped });
    await trayRow(page, 'dropped.txt').locator('.upload-status', { hasText: 'Ready' }).waitFor();
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array([1, 2, 3])], 'image.png', { type: 'image/png' }));
      const paste = new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true });
      document.getElementById('compose-input').dispatchEvent(paste);
    })()`);
    await trayRow(page, 'pasted-').locator('.upload-status', { hasText: 'Ready' }).waitFor();
    expect(await trayRow(page, 'pasted-').locator('.upload-name').textContent()).toMatch(
      /^pasted-[\d-]+\.png$/,
    );
    // A file message without text.
    const bare = seeder.next(
      (f) =>
        f.type === 'new_message' &&
        (f.message as Message).roomId === room &&
        (f.message as Message).content === '',
    );
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('#upload-tray').waitFor({ state: 'hidden' });
    expect(((await bare).message as Message).attachments?.map((a) => a.fileName)).toEqual([
      'dropped.txt',
      expect.stringMatching(/^pasted-[\d-]+\.png$/),
    ]);

    // An encrypted room: the checkbox creates it, the dialog asks for its passphrase.
    const secret = fresh('secret');
    const passphrase = 'correct horse battery staple';
    await page.getByText('New room', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Room id', exact: true }).first().fill(secret);
    await page.getByRole('checkbox', { name: 'End-to-end encrypted' }).check();
    await page.getByRole('button', { name: 'Create room' }).click();
    const dialog = page.getByRole('dialog', { name: 'Encrypted room' });
    await dialog.waitFor();
    expect(await page.locator('#key-room').textContent()).toBe(`# ${secret}`);
    await expect
      .poll(() =>
        page.getByLabel('Passphrase').evaluate((n) => n === n.ownerDocument.activeElement),
      )
      .toBe(true);
    expect(await audit(page)).toEqual([]);
    await page.getByLabel('Passphrase').fill(passphrase);
    await dialog.getByRole('button', { name: 'Unlock' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator(`#rooms button[data-room-id="${secret}"] .room-lock`).waitFor();
    await page.getByRole('button', { name: '🔒 Encrypted' }).waitFor();
    const plaintext = 'meet at the old mill at noon';
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(plaintext);
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    await message(page, plaintext).waitFor();
    // PostgreSQL holds only the envelope.
    await expect.poll(() => storedContents(secret)).toHaveLength(1);
    const [stored] = await storedContents(secret);
    expect(stored).toMatch(/^pe1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(stored).not.toContain('mill');
    // A file there: uploaded encrypted (IV and tag beyond the PNG's bytes).
    await seeder.joinWhenAvailable(secret);
    const sealedHeard = seeder.next(
      (f) =>
        f.type === 'new_message' &&
        (f.message as Message).roomId === secret &&
        ((f.message as Message).attachments?.length ?? 0) > 0,
    );
    await page
      .locator('#attach-input')
      .setInputFiles([{ name: 'secret.png', mimeType: 'image/png', buffer: PNG }]);
    await trayRow(page, 'secret.png').locator('.upload-status', { hasText: 'Ready' }).waitFor();
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('the plan');
    await page.getByRole('button', { name: 'Send' }).click();
    await message(page, 'the plan')
      .getByRole('button', { name: /secret\.png/ })
      .waitFor();
    const sealed = ((await sealedHeard).message as Message).attachments?.[0];
    // The server sees neither its name nor its type (they travel inside the envelope).
    expect(sealed).toMatchObject({
      fileName: 'encrypted.bin',
      contentType: 'application/octet-stream',
    });
    const cipherBytes = Buffer.from(await (await fetch(sealed?.url ?? '')).arrayBuffer());
    expect(cipherBytes.length).toBe(PNG.length + 28);
    expect(cipherBytes.includes(PNG.subarray(0, 64))).toBe(false);
    expect(pageErrors).toEqual([]);

    // A second person with the passphrase reads the plaintext and saves the file decrypted.
    const bob = await open({}, fresh('bob'), secret);
    const bobDialog = bob.getByRole('dialog', { name: 'Encrypted room' });
    await bobDialog.waitFor();
    await bob.getByLabel('Passphrase').fill(passphrase);
    await bobDialog.getByRole('button', { name: 'Unlock' }).click();
    await message(bob, plaintext).waitFor();
    const saving = bob.waitForEvent('download');
    await message(bob, 'the plan')
      .getByRole('button', { name: /secret\.png/ })
      .click();
    const saved = await saving;
    expect(saved.suggestedFilename()).toBe('secret.png');
    expect(await readFile(await saved.path())).toEqual(PNG);
    expect(await message(bob, 'the plan').locator('img').count()).toBe(0);
    await bob.context().close();

    // A third without it: the messages stay locked, the envelope never shown.
    const carol = await open({}, fresh('carol'), secret);
    const carolDialog = carol.getByRole('dialog', { name: 'Encrypted room' });
    await carolDialog.waitFor();
    await carolDialog.getByRole('button', { name: 'Not now' }).click();
    await carolDialog.waitFor({ state: 'hidden' });
    await carol.getByRole('button', { name: '🔒 Enter passphrase' }).waitFor();
    await expect.poll(() => message(carol, '🔒 Encrypted message (no key)').count()).toBe(2);
    expect(await carol.locator('#messages').textContent()).not.toContain('pe1.');
    expect(await carol.locator('#messages').textContent()).not.toContain('mill');
    await carol
      .locator(`#rooms button[data-room-id="${secret}"] .room-preview`, {
        hasText: '🔒 encrypted message',
      })
      .waitFor();
    expect(await audit(carol)).toEqual([]);
    await carol.context().close();
    expect(pageErrors).toEqual([]);
    await page.context().close();

    // A room nobody has used: the join creates it, and only then are its members listed.
    const erin = fresh('erin');
    const first = await open({}, erin, fresh('newroom'));
    await first.locator('#members li', { hasText: erin }).waitFor();
    expect(await first.locator('#notice').textContent()).not.toContain('Could not list members');
    await first.context().close();

    // Phone and dark: the same additions, still 0 violations.
    for (const options of [
      { viewport: { width: 390, height: 844 }, isMobile: true },
      { colorScheme: 'dark' as const, isMobile: false },
    ]) {
      const text = `with files, ${options.isMobile ? 'phone' : 'dark'}`;
      const other = await open(options, fresh('dana'), room);
      await other.getByRole('searchbox', { name: 'Search messages' }).fill(WORD);
      await other.getByRole('button', { name: 'Search', exact: true }).click();
      await other.locator('#search-list li').first().waitFor();
      await pickFiles(other);
      await other.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
      await other.getByRole('button', { name: 'Send' }).click();
      await message(other, text).locator('.attachments img').waitFor();
      await showsImage(other, 'chart.png', text);
      await pickFiles(other);
      expect(await audit(other)).toEqual([]);
      // Nothing wider than the screen: the header's search box shrinks on a phone.
      expect(
        await other.evaluate(
          () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
        ),
      ).toBe(true);
      await other.screenshot({
        path: path.join(ARTIFACTS, `web-files-search-${options.isMobile ? 'phone' : 'dark'}.png`),
      });
      await other.context().close();
    }
    expect(pageErrors).toEqual([]);
    await seeder.close();
  });
});
