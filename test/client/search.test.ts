/**
 * Search in the SDK against the fake server: the request it sends, pages with a cursor,
 * and `highlightSegments`, which splits a highlight into runs a UI renders as text.
 */
import { describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START, highlightSegments } from '../../client/index.js';
import {
  HIGHLIGHT_END as SERVER_END,
  HIGHLIGHT_START as SERVER_START,
} from '../../functions/core/search-frames.js';
import { FakeParley } from './fake-parley.js';
import { sdkHarness } from './harness.js';

const { setup } = sdkHarness();

describe('search', () => {
  it('asks search_messages and pages with the cursor', async () => {
    const server = new FakeParley();
    for (const text of ['Invoice one', 'lunch?', 'the invoice, again', 'INVOICE three']) {
      server.post('billing', text);
    }
    server.post('other', 'an invoice elsewhere');
    const { client } = setup({}, server);
    const first = await client.search('invoice', { roomId: 'billing', limit: 2 });
    expect(server.last.frames('search_messages')).toMatchObject([
      { query: 'invoice', roomId: 'billing', limit: 2 },
    ]);
    expect(first.results.map((r) => r.message.content)).toEqual([
      'Invoice one',
      'the invoice, again',
    ]);
    expect(first.results[0]?.highlight).toBe('\uE000Invoice\uE001 one');
    expect(first.cursor).toBeDefined();
    const second = await client.search('invoice', {
      roomId: 'billing',
      limit: 2,
      ...(first.cursor === undefined ? {} : { cursor: first.cursor }),
    });
    expect(second.results.map((r) => r.message.seq)).toEqual([4]);
    expect(second).not.toHaveProperty('cursor');
    const everywhere = await client.search('invoice');
    expect(everywhere.results).toHaveLength(4);
    expect(server.last.frames('search_messages')[2]).toEqual({
      action: 'search_messages',
      query: 'invoice',
      requestId: expect.any(String),
    });
  });

  it('skips encrypted rooms and private rooms you are not in (the fake as the server)', async () => {
    const server = new FakeParley();
    server.v2.create('secret', 'bob', { encrypted: true });
    server.v2.create('closed', 'bob', { visibility: 'private' });
    server.post('secret', 'pe1.word');
    server.post('closed', 'word');
    server.post('open', 'word');
    const { client } = setup({}, server);
    const page = await client.search('word');
    expect(page.results.map((r) => r.message.roomId)).toEqual(['open']);
  });

  it('a refusal rejects with its code', async () => {
    const server = new FakeParley();
    server.failNext.set('search_messages', { code: 'bad_request' });
    const { client } = setup({}, server);
    await expect(client.search(' ')).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('highlightSegments', () => {
  it('uses the markers the server uses', () => {
    expect([HIGHLIGHT_START, HIGHLIGHT_END]).toEqual([SERVER_START, SERVER_END]);
  });

  it('splits matches from the text around them', () => {
    expect(highlightSegments('a \uE000b\uE001 c \uE000d\uE001')).toEqual([
      { text: 'a ', match: false },
      { text: 'b', match: true },
      { text: ' c ', match: false },
      { text: 'd', match: true },
    ]);
  });

  it('keeps text that looks like HTML as text; tolerates stray or open markers', () => {
    expect(highlightSegments('<b>\uE000x')).toEqual([
      { text: '<b>', match: false },
      { text: 'x', match: true },
    ]);
    expect(highlightSegments('\uE001plain\uE000\uE001')).toEqual([{ text: 'plain', match: false }]);
    expect(highlightSegments('')).toEqual([]);
    expect(highlightSegments('😀 \uE000é😀\uE001')).toEqual([
      { text: '😀 ', match: false },
      { text: 'é😀', match: true },
    ]);
  });
});
