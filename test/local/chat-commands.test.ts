/**
 * The terminal chat's issue 16 commands run against the SDK on its fake server (no
 * process, no network): what each sends, what it prints, and the typing it reports from
 * the input line. The process-level behaviour is chat-cli-commands.integration.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { type ChatSession, onInput, runCommand } from '../../local/chat-commands.js';
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
