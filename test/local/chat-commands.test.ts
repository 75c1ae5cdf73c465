/**
 * The terminal chat's issue 16 commands run against the SDK on its fake server (no
 * process, no network): what each sends, what it prints, and the typing it reports from
 * the input line. The process-level behaviour is chat-cli-commands.integration.test.ts.
 */
import type { webcrypto } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Message } from '../../client/index.js';
import { type ChatSession, onInput, runCommand } from '../../local/chat-commands.js';
import { messageLine } from '../../local/chat-format.js';
import { FakeParley } from '../client/fake-parley.js';
import { sdkHarness, until } from '../client/harness.js';

const { setup } = sdkHarness();

/** ana's chat in room r (joined), beside bob's client; `printed` is what ana reads. */
async function chatAsAna() {
  const server = new FakeParley();
  const ana = setup({ token: 'ana', userId: 'ana' }, server);
  const bob = setup({ token: 'bob', userId: 'bob' }, server);
  await ana.client.join('r');
  await bob.client.join('r');
  const printed: string[] = [];
  const session: ChatSession = { client: ana.client, room: 'r', print: (l) => printed.push(l) };
  const run = (line: string) => runCommand(session, line);
  const sent = (action: string) => server.sockets[0]?.frames(action) ?? [];
  return { server, ana, bob, session, printed, run, sent };
}

describe('chat commands: reactions, replies, threads', () => {
  it('/react and /unreact send react; bad arguments print the usage', async () => {
    const { bob, run, sent, printed } = await chatAsAna();
    await bob.client.send('r', 'lunch?');
    await run('/react 1 👍');
    await run('/unreact #1 👍');
    expect(sent('react')).toMatchObject([
      { roomId: 'r', seq: 1, emoji: '👍', on: true },
      { roomId: 'r', seq: 1, emoji: '👍', on: false },
    ]);
    await run('/react 1');
    await run('/react x 👍');
    expect(printed).toEqual([
      '! usage: /react SEQ EMOJI',
      '! usage: SEQ is a message number as shown, e.g. 12 or #12',
    ]);
  });

  it('/reply sends a reply; /thread prints the replies with their quote', async () => {
    const { ana, run, sent, printed } = await chatAsAna();
    await run('/thread 1');
    expect(printed).toEqual(['* no replies to #1']);
    await ana.client.send('r', 'question');
    await run('/reply #1 an answer');
    expect(sent('send_message').at(-1)).toMatchObject({ content: 'an answer', replyTo: 1 });
    printed.length = 0;
    await run('/thread 1');
    expect(printed).toEqual([
      '* replies to #1:',
      expect.stringMatching(/ #2 ana ↪ #1: an answer$/),
    ]);
    await run('/reply 1');
    expect(printed.at(-1)).toBe('! usage: /reply SEQ TEXT');
  });
});

describe('chat commands: read state and presence', () => {
  it('/read marks the room read up to its newest message', async () => {
    const { server, run, sent, printed, ana } = await chatAsAna();
    server.post('r', 'one', 'bob');
    server.post('r', 'two', 'bob');
    await until(() => ana.client.unread('r') === 2);
    await run('/read');
    expect(sent('mark_read')).toMatchObject([{ roomId: 'r', seq: 2 }]);
    expect(printed).toEqual(['* r read up to #2']);
    expect(ana.client.unread('r')).toBe(0);
  });

  it('/status sets your status with an optional note; /who lists the room', async () => {
    const { run, sent, printed } = await chatAsAna();
    await run('/status away at lunch');
    await run('/status dnd');
    await run('/status busy');
    expect(sent('set_status')).toEqual([
      expect.objectContaining({ status: 'away', text: 'at lunch' }),
      expect.not.objectContaining({ text: expect.anything() }),
    ]);
    printed.push('--');
    await run('/who');
    expect(printed).toEqual([
      '* you are away: at lunch',
      '* you are dnd',
      '! usage: /status online|away|dnd [TEXT]',
      '--',
      '  ana is dnd',
      '  bob is online',
    ]);
  });

  it('/rooms shows unread counts and mentions after the id', async () => {
    const { server, run, printed } = await chatAsAna();
    server.post('r', 'hey @ana', 'bob');
    server.post('r', 'and more', 'bob');
    await run('/rooms');
    expect(printed).toEqual([' r (2, 1 @) - room owner #2 bob: and more']);
  });
});

describe('typing from the input line', () => {
  it('a message being typed tells the room; a command or an emptied line stops it', async () => {
    const { session, bob, sent } = await chatAsAna();
    onInput(session, 'h');
    onInput(session, 'he');
    await until(() => bob.client.typingUsers('r').length === 1);
    onInput(session, '');
    onInput(session, '/who');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent('typing').map((f) => f.state)).toEqual(['start', 'stop']);
    expect(bob.client.typingUsers('r')).toEqual([]);
  });
});

describe('chat commands: search, upload, key', () => {
  async function chatWithFiles() {
    const server = new FakeParley();
    const ana = setup({ token: 'ana', userId: 'ana', fetch: server.files.fetch }, server);
    await ana.client.join('r');
    const printed: string[] = [];
    const session: ChatSession = { client: ana.client, room: 'r', print: (l) => printed.push(l) };
    return { server, ana, session, printed, run: (line: string) => runCommand(session, line) };
  }

  it('/search prints hits with [brackets] (bold on a terminal) and /more pages on', async () => {
    const { server, session, printed, run } = await chatWithFiles();
    for (let i = 1; i <= 12; i++) server.post('r', `invoice ${i}`, 'bob');
    await run('/search Invoice');
    expect(server.sockets[0]?.frames('search_messages')[0]).toMatchObject({
      query: 'Invoice',
      limit: 10,
    });
    expect(printed[0]).toBe('* messages with "Invoice":');
    expect(printed[1]).toMatch(/^ {2}r#1 bob \[\d\d:\d\d:\d\d\]: \[invoice\] 1$/);
    expect(printed.at(-1)).toBe('* more: /more');
    printed.length = 0;
    session.emphasis = 'bold';
    await run('/more');
    expect(printed).toEqual([
      '* messages with "Invoice":',
      expect.stringContaining('\x1b[1minvoice\x1b[22m 11'),
      expect.stringContaining('\x1b[1minvoice\x1b[22m 12'),
    ]);
    await run('/more');
    expect(printed.at(-1)).toBe('! usage: /more follows a /search with more results');
    await run('/search nothing-like-it');
    expect(printed.at(-1)).toBe('* nothing found for "nothing-like-it"');
    await run('/search');
    expect(printed.at(-1)).toBe('! usage: /search QUERY');
  });

  it('/upload reads the file, uploads it with its type and sends it with the text', async () => {
    const { server, ana, printed, run } = await chatWithFiles();
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-upload-'));
    const file = path.join(dir, 'chart.PNG');
    await writeFile(file, 'not really a png');
    try {
      await run(`/upload ${file} the chart`);
    } finally {
      await rm(dir, { recursive: true });
    }
    expect(server.sockets[0]?.frames('request_upload')).toMatchObject([
      { roomId: 'r', fileName: 'chart.PNG', contentType: 'image/png', size: 16 },
    ]);
    expect(printed).toEqual(['* uploaded chart.PNG (16 B) to r']);
    const sent = server.sockets[0]?.frames('send_message')[0];
    expect(sent).toMatchObject({ content: 'the chart', attachments: [expect.any(String)] });
    await until(() => ana.received.length === 1);
    expect(messageLine(ana.received[0] as Message, 'r')).toMatch(
      /: the chart\n {2}📎 chart\.PNG \(16 B\) https:\/\/storage\.test\/rooms\/r\//,
    );
    await run('/upload /no/such/file.txt');
    expect(printed.at(-1)).toMatch(/^! \/upload: ENOENT/);
    server.files.maxSize = 1;
    const big = path.join(tmpdir(), `parley-big-${process.pid}.txt`);
    await writeFile(big, 'too big');
    try {
      await run(`/upload ${big}`);
    } finally {
      await rm(big);
    }
    expect(printed.at(-1)).toBe('! /upload: payload_too_large: size: files may be at most 1 bytes');
  });

  it('/key derives the room key from the passphrase and sets it', async () => {
    const { session, printed, run } = await chatWithFiles();
    await run('/key correct horse');
    expect(printed).toEqual(['! /key: this chat was built without end-to-end encryption']);
    // A stand-in for client/crypto.ts: what /key asks of it.
    const set: [string, unknown][] = [];
    const key = { type: 'secret' } as webcrypto.CryptoKey;
    session.keys = {
      deriveRoomKey: vi.fn(async () => key),
      setRoomKey: (roomId, k) => {
        set.push([roomId, k]);
      },
    };
    await run('/key correct horse');
    expect(session.keys.deriveRoomKey).toHaveBeenCalledWith('correct horse', 'r');
    expect(set).toEqual([['r', key]]);
    expect(printed.at(-1)).toBe('* key set for r: its messages are encrypted and decrypted here');
    await run('/key');
    expect(printed.at(-1)).toBe('! usage: /key PASSPHRASE');
  });
});
