/**
 * Reactions, replies and threads in the SDK against the fake server, and `applyReaction`,
 * the helper an app applies `reaction` events with.
 */
import { describe, expect, it } from 'vitest';
import { applyReaction, type Message, type ReactionEvent } from '../../client/index.js';
import { FakeParley } from './fake-parley.js';
import { contents, sdkHarness, until } from './harness.js';

const { setup } = sdkHarness();

async function pair() {
  const server = new FakeParley();
  const alice = setup({ token: 'alice', userId: 'alice' }, server);
  const bob = setup({ token: 'bob', userId: 'bob' }, server);
  await alice.client.join('r');
  await bob.client.join('r');
  return { server, alice, bob };
}

describe('react', () => {
  it('your reaction comes back as message_updated; others hear reaction', async () => {
    const { alice, bob } = await pair();
    const sent = await bob.client.send('r', 'ship it?');
    const updated: Message[] = [];
    const heard: ReactionEvent[] = [];
    alice.client.on('message_updated', (m) => updated.push(m));
    bob.client.on('reaction', (r) => heard.push(r));
    await alice.client.react('r', sent.seq, '👍');
    expect(updated).toMatchObject([{ seq: 1, reactions: [{ emoji: '👍', count: 1, me: true }] }]);
    await until(() => heard.length === 1);
    expect(heard).toEqual([{ roomId: 'r', seq: 1, userId: 'alice', emoji: '👍', on: true }]);
    const onBob = applyReaction(sent, heard[0] as ReactionEvent, 'bob');
    expect(onBob.reactions).toEqual([{ emoji: '👍', count: 1, me: false }]);
    await alice.client.react('r', sent.seq, '👍', false);
    expect(updated.at(-1)?.reactions).toEqual([]);
    await until(() => heard.length === 2);
    expect(applyReaction(onBob, heard[1] as ReactionEvent, 'bob').reactions).toEqual([]);
  });

  it('a reaction to a missing message rejects with the server code', async () => {
    const { alice } = await pair();
    await expect(alice.client.react('r', 9, '👍')).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('applyReaction', () => {
  const message: Message = {
    id: 'm1',
    roomId: 'r',
    seq: 1,
    userId: 'bob',
    content: 'x',
    createdAt: '2026-12-06T00:00:00.000Z',
    reactions: [{ emoji: '👍', count: 2, me: false }],
  };
  const event = (fields: Partial<ReactionEvent>): ReactionEvent => ({
    roomId: 'r',
    seq: 1,
    userId: 'carol',
    emoji: '👍',
    on: true,
    ...fields,
  });

  it('counts up and down, adds and drops emoji, leaves other messages alone', () => {
    expect(applyReaction(message, event({})).reactions).toEqual([
      { emoji: '👍', count: 3, me: false },
    ]);
    expect(applyReaction(message, event({ emoji: '❤' })).reactions).toEqual([
      { emoji: '👍', count: 2, me: false },
      { emoji: '❤', count: 1, me: false },
    ]);
    const once = applyReaction(message, event({ on: false }));
    expect(applyReaction(once, event({ on: false })).reactions).toEqual([]);
    expect(applyReaction(message, event({ seq: 2 }))).toBe(message);
    expect(applyReaction(message, event({ roomId: 'q' }))).toBe(message);
  });

  it('your own reaction from another device sets me, and is not counted twice', () => {
    const mine = applyReaction(message, event({ userId: 'me' }), 'me');
    expect(mine.reactions).toEqual([{ emoji: '👍', count: 3, me: true }]);
    expect(applyReaction(mine, event({ userId: 'me' }), 'me')).toBe(mine);
    const taken = applyReaction(mine, event({ userId: 'me', on: false }), 'me');
    expect(taken.reactions).toEqual([{ emoji: '👍', count: 2, me: false }]);
    expect(applyReaction(taken, event({ userId: 'me', on: false }), 'me')).toBe(taken);
  });
});

describe('replies and threads', () => {
  it('send with replyTo; thread pages through the replies', async () => {
    const { alice, bob } = await pair();
    const root = await alice.client.send('r', 'question');
    await bob.client.send('r', 'elsewhere');
    for (const text of ['a1', 'a2', 'a3']) {
      const reply = await bob.client.send('r', text, { replyTo: root.seq });
      expect(reply.replyTo).toBe(root.seq);
    }
    const first = await alice.client.thread('r', root.seq, { limit: 2 });
    expect(contents(first.messages)).toEqual(['a1', 'a2']);
    expect(first.hasMore).toBe(true);
    const rest = await alice.client.thread('r', root.seq, { after: first.messages[1]?.seq });
    expect(contents(rest.messages)).toEqual(['a3']);
    expect(rest.hasMore).toBe(false);
    await expect(alice.client.send('r', 'x', { replyTo: 99 })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});
