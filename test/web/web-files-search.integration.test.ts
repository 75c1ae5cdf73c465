/**
 * The page's issue 17 additions in a real browser (Debian's chromium via playwright-core):
 * files (the paperclip, drop, paste, the tray with progress and Remove, the server's
 * refusals on their row, images inline with their fallback, other files as links),
 * search (highlighted snippets built as text, "More results", a hit opening its room at
 * the message, older pages fetched to reach it) and encrypted rooms (the checkbox, the
 * lock, the passphrase dialog, envelopes shown locked), with axe-core at 0 violations on
 * desktop, phone and dark. The server is real for everything it already does; the new
 * actions (`search_messages`, `request_upload`, attachments) are answered by a stand-in in
 * the page's WebSocket route as the protocol says, and storage by a route of the page,
 * until the server's side is merged. Every step waits for what the page shows.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../client/index.js';
import { uid } from '../support/services.js';
import { audit } from '../support/web-axe.js';
import { ARTIFACTS, signIn as enter, newPage, useWebTest } from '../support/web-browser.js';

/** What the callbacks passed to `evaluate` read in the page (Node's types have no DOM). */
declare const document: { documentElement: { scrollWidth: number; clientWidth: number } };

const fresh = (prefix: string) => uid(prefix).replace(/[^A-Za-z0-9_-]/g, '');
const web = useWebTest();
const pageErrors: Error[] = [];

/** A 1x1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** Largest file the stand-in signs. */
const MAX_SIZE = 5000;
/** An envelope of the shape encrypted rooms carry (`pe1.` IV `.` ciphertext). */
const ENVELOPE = `pe1.${'A'.repeat(16)}.${'B'.repeat(24)}`;

type Frame = Record<string, unknown> & { action?: string; requestId?: string };
type SearchAnswer = (frame: Frame) => { results: unknown[]; cursor?: string };

interface StandIn {
  frames: Frame[];
  puts: { url: string; headers: Record<string, string>; bytes: number }[];
}

/**
 * The page's socket goes through the test: search and upload signing are answered here,
 * a send's attachments come back on its ack as the server will add them; storage is a
 * route of the page's own origin (PUTs stored, thumbnails missing, images served).
 */
async function standIn(page: Page, search: SearchAnswer): Promise<StandIn> {
  const frames: Frame[] = [];
  const puts: StandIn['puts'] = [];
  const uploads = new Map<string, { fileName: string; contentType: string; size: number }>();
  const attached = new Map<string, unknown[]>();
  const origin = web.parley.server.gateway.callbackUrl;
  await page.route('**/storage-test/**', async (route) => {
    const request = route.request();
    if (request.method() === 'PUT') {
      const body = request.postDataBuffer();
      puts.push({
        url: request.url(),
        headers: await request.allHeaders(),
        bytes: body?.length ?? 0,
      });
      return route.fulfill({ status: 200 });
    }
    if (request.url().includes('thumb')) return route.fulfill({ status: 404 });
    return route.fulfill({ status: 200, contentType: 'image/png', body: PNG });
  });
  await page.routeWebSocket(/.*/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((data) => {
      const frame = JSON.parse(String(data)) as Frame;
      frames.push(frame);
      const reply = (body: Record<string, unknown>) =>
        ws.send(JSON.stringify({ ...body, requestId: frame.requestId }));
      if (frame.action === 'search_messages') {
        reply({ type: 'search_results', ...search(frame) });
        return;
      }
      if (frame.action === 'request_upload') {
        const size = Number(frame.size);
        const contentType = String(frame.contentType);
        if (contentType === 'application/x-msdownload') {
          reply({
            type: 'error',
            code: 'bad_request',
            message: 'contentType: files of this type are not accepted',
          });
        } else if (size > MAX_SIZE) {
          reply({
            type: 'error',
            code: 'payload_too_large',
            message: `size: files may be at most ${MAX_SIZE} bytes`,
          });
        } else {
          const uploadId = `00000000-0000-4000-8000-${String(uploads.size + 1).padStart(12, '0')}`;
          uploads.set(uploadId, { fileName: String(frame.fileName), contentType, size });
          reply({
            type: 'upload',
            uploadId,
            url: `${origin}/storage-test/rooms/${String(frame.roomId)}/${uploadId}?put`,
            method: 'PUT',
            headers: { 'content-type': contentType },
            expiresAt: new Date(Date.now() + 900_000).toISOString(),
          });
        }
        return;
      }
      if (frame.action === 'send_message' && Array.isArray(frame.attachments)) {
        attached.set(
          String(frame.clientMsgId),
          frame.attachments.map((id) => {
            const upload = uploads.get(String(id));
            const url = `${origin}/storage-test/rooms/get/${String(id)}`;
            return {
              id,
              ...upload,
              url,
              ...(upload?.contentType.startsWith('image/') ? { thumbnailUrl: `${url}?thumb` } : {}),
            };
          }),
        );
      }
      server.send(data);
    });
    server.onMessage((data) => {
      const frame = JSON.parse(String(data)) as { message?: Message };
      // The encrypted room's message carries a file, stored (as all there) encrypted.
      const sealed =
        frame.message?.content === ENVELOPE
          ? [
              {
                id: '00000000-0000-4000-8000-0000000000ff',
                fileName: 'secret.png',
                contentType: 'application/octet-stream',
                size: PNG.length,
                url: `${origin}/storage-test/rooms/sealed/secret`,
              },
            ]
          : undefined;
      const files = attached.get(frame.message?.clientMsgId ?? '') ?? sealed;
      if (frame.message && files) frame.message.attachments = files as Message['attachments'];
      ws.send(JSON.stringify(frame));
    });
  });
  return { frames, puts };
}

function message(page: Page, text: string) {
  return page
    .locator('#messages ol:not([hidden]) li.message')
    .filter({ has: page.locator('.content').getByText(text, { exact: true }) });
}

async function open(
  options: BrowserContextOptions,
  name: string,
  room: string,
  search: SearchAnswer,
) {
  const page = await newPage(web, pageErrors, {
    viewport: { width: 1200, height: 800 },
    ...options,
  });
  const stand = await standIn(page, search);
  await enter(web, page, name, room);
  return { page, stand };
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
      hasText: 'Not uploaded: contentType: files of this type are not accepted (bad_request)',
    })
    .waitFor();
}

describe('the web page: files, search, encrypted rooms', () => {
  it('uploads, shows attachments, searches and opens hits, asks for passphrases, stays accessible', {
    timeout: 240_000,
  }, async () => {
    const room = fresh('files');
    const alice = fresh('alice');
    const seeder = await web.parley.connect(fresh('seed'));
    await seeder.join(room);
    const early = await seeder.send(room, 'needle early one');
    for (let n = 1; n <= 60; n++) await seeder.send(room, `filler ${n}`);
    const late = await seeder.send(room, 'needle late');

    const answer: SearchAnswer = (frame) =>
      frame.cursor === undefined
        ? {
            results: [
              {
                message: late,
                highlight: '\uE000needle\uE001 late <img src=x onerror="window.hacked=1">',
              },
            ],
            cursor: 'page-2',
          }
        : { results: [{ message: early, highlight: '\uE000needle\uE001 early one' }] };
    const { page, stand } = await open({}, alice, room, answer);
    await message(page, 'needle late').waitFor();

    // Search: the snippet's match in a <mark>, the rest text (no element from it).
    await page.getByRole('searchbox', { name: 'Search messages' }).fill('needle');
    await page.getByRole('searchbox', { name: 'Search messages' }).press('Enter');
    const hits = page.locator('#search-list li');
    await hits.first().waitFor();
    expect(await hits.first().locator('mark').allTextContents()).toEqual(['needle']);
    expect(await hits.first().locator('.search-snippet').textContent()).toBe(
      'needle late <img src=x onerror="window.hacked=1">',
    );
    expect(await page.locator('#search-list img').count()).toBe(0);
    expect(await hits.first().locator('.search-author').textContent()).toBe(late.userId);
    expect(await hits.first().locator('.search-room').textContent()).toBe(`# ${room}`);
    await page.getByRole('button', { name: 'More results' }).click();
    await hits.nth(1).waitFor();
    expect(stand.frames.filter((f) => f.action === 'search_messages')).toMatchObject([
      { query: 'needle' },
      { query: 'needle', cursor: 'page-2' },
    ]);
    await page.locator('#search-note', { hasText: '2 messages match "needle".' }).waitFor();
    await page.getByRole('button', { name: 'More results' }).waitFor({ state: 'hidden' });

    // Opening the early hit fetches older pages until seq 1 is there, and shows it.
    await hits.nth(1).getByRole('button').click();
    const found = page.locator('#messages ol:not([hidden]) li.message.found');
    await found.waitFor();
    expect(await found.getAttribute('data-seq')).toBe(String(early.seq));
    await expect
      .poll(() => found.evaluate((node) => node === node.ownerDocument.activeElement))
      .toBe(true);

    // Files: two upload, one is refused in the server's words; Remove takes it away.
    await pickFiles(page);
    expect(stand.puts.map((p) => [p.headers['content-type'], p.bytes])).toEqual([
      ['image/png', PNG.length],
      ['text/plain', 11],
    ]);
    await page
      .locator('#attach-input')
      .setInputFiles([
        { name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.alloc(MAX_SIZE + 1, 120) },
      ]);
    await trayRow(page, 'big.txt')
      .getByText('Not uploaded: size: files may be at most 5000 bytes (payload_too_large)')
      .waitFor();
    await page.getByRole('button', { name: 'Remove big.txt' }).click();
    await trayRow(page, 'big.txt').waitFor({ state: 'detached' });

    // Axe, with the search results, the tray and its refusal on screen.
    expect(await audit(page)).toEqual([]);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-files-search-desktop.png') });

    // Send: the message carries the two that uploaded; the image shows (its thumbnail is
    // missing: the full image instead), the text file is a link with its size.
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill('the chart');
    await page.getByRole('textbox', { name: 'Message', exact: true }).press('Enter');
    const sent = message(page, 'the chart');
    await sent.locator('.attachments').waitFor();
    const sends = stand.frames.filter((f) => f.action === 'send_message');
    expect(sends.at(-1)?.attachments).toHaveLength(2);
    await page.locator('#upload-tray').waitFor({ state: 'hidden' });
    const img = sent.getByRole('img', { name: 'chart.png' });
    await expect.poll(() => img.getAttribute('src')).not.toContain('thumb');
    expect(await img.getAttribute('width')).toBe('240');
    const imageLink = sent.locator('a.attachment-image');
    expect(await imageLink.getAttribute('target')).toBe('_blank');
    expect(await imageLink.getAttribute('rel')).toBe('noopener noreferrer');
    const fileLink = sent.getByRole('link', { name: /notes\.txt/ });
    expect(await fileLink.textContent()).toBe('📄notes.txt11 B');

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
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('#upload-tray').waitFor({ state: 'hidden' });
    expect(stand.frames.filter((f) => f.action === 'send_message').at(-1)).toMatchObject({
      content: '',
      attachments: [expect.any(String), expect.any(String)],
    });

    // An encrypted room: the checkbox creates it, the dialog asks for its passphrase.
    const secret = fresh('secret');
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
    await dialog.getByRole('button', { name: 'Not now' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator(`#rooms button[data-room-id="${secret}"] .room-lock`).waitFor();
    await page.getByRole('button', { name: '🔒 Enter passphrase' }).waitFor();
    await seeder.join(secret);
    await seeder.send(secret, ENVELOPE);
    await message(page, '🔒 Encrypted message (no key)').waitFor();
    expect(await page.locator('#messages').textContent()).not.toContain(ENVELOPE);
    await page
      .locator(`#rooms button[data-room-id="${secret}"] .room-preview`, {
        hasText: '🔒 encrypted message',
      })
      .waitFor();
    // Its file is a button: the SDK fetches it (and, with the room's key, decrypts it).
    const saving = page.waitForEvent('download');
    await message(page, '🔒 Encrypted message (no key)')
      .getByRole('button', { name: /secret\.png/ })
      .click();
    const saved = await saving;
    expect(saved.suggestedFilename()).toBe('secret.png');
    expect(await readFile(await saved.path())).toEqual(PNG);
    expect(await message(page, '🔒 Encrypted message (no key)').locator('img').count()).toBe(0);
    await page.getByRole('button', { name: '🔒 Enter passphrase' }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(pageErrors).toEqual([]);
    await page.context().close();

    // Phone and dark: the same additions, still 0 violations.
    for (const options of [
      { viewport: { width: 390, height: 844 }, isMobile: true },
      { colorScheme: 'dark' as const, isMobile: false },
    ]) {
      const other = await open(options, fresh('bob'), room, answer);
      await other.page.getByRole('searchbox', { name: 'Search messages' }).fill('needle');
      await other.page.getByRole('button', { name: 'Search', exact: true }).click();
      await other.page.locator('#search-list li').first().waitFor();
      await pickFiles(other.page);
      await other.page.getByRole('textbox', { name: 'Message', exact: true }).fill('with files');
      await other.page.getByRole('button', { name: 'Send' }).click();
      await message(other.page, 'with files').locator('.attachments img').waitFor();
      await pickFiles(other.page);
      expect(await audit(other.page)).toEqual([]);
      // Nothing wider than the screen: the header's search box shrinks on a phone.
      expect(
        await other.page.evaluate(
          () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
        ),
      ).toBe(true);
      await other.page.screenshot({
        path: path.join(ARTIFACTS, `web-files-search-${options.isMobile ? 'phone' : 'dark'}.png`),
      });
      await other.page.context().close();
    }
    expect(pageErrors).toEqual([]);
    await seeder.close();
  });
});
