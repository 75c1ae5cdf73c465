/** search_messages, as the chat core serves it over the fakes. */
import { beforeEach, describe, expect, it } from 'vitest';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { react } from '../../../../functions/core/actions/react.js';
import { searchMessages } from '../../../../functions/core/actions/search-messages.js';
import { sendMessage } from '../../../../functions/core/actions/send-message.js';
import { jsonBytes } from '../../../../functions/core/json-bytes.js';
import type { Caller } from '../../../../functions/core/message.js';
import { REPLY_BUDGET_BYTES } from '../../../../functions/core/reply-budget.js';
import {
  HIGHLIGHT_END,
  HIGHLIGHT_START,
  type SearchMessagesRequest,
} from '../../../../functions/core/search-frames.js';
import { HIGHLIGHT_MAX_CHARS } from '../../../../functions/core/search-highlight.js';
import { type FakeWorld, fakeWorld, replyTo } from '../../../support/fakes.js';

let world: FakeWorld;
const alice: Caller = { connectionId: 'a1', userId: 'alice' };
const bob: Caller = { connectionId: 'b1', userId: 'bob' };

beforeEach(() => {
  world = fakeWorld({ maxMessageChars: 13_000 });
});

const reply = (caller: Caller) => replyTo(world, caller);
const join = (caller: Caller, roomId: string) =>
  joinRoom(world.deps, caller, { roomId }, reply(caller));
const send = (caller: Caller, roomId: string, content: string) =>
  sendMessage(world.deps, caller, { roomId, content }, reply(caller));
async function search(caller: Caller, request: SearchMessagesRequest) {
  await searchMessages(world.deps, caller, request, reply(caller));
  return world.sender.framesOfType(caller.connectionId, 'search_results').at(-1);
}

describe('search_messages', () => {
  it('answers search_results with the message, its highlight and the reader’s me', async () => {
    await join(alice, 'lobby');
    await join(bob, 'lobby');
    await send(alice, 'lobby', 'the release ships on friday');
    await react(world.deps, bob, { roomId: 'lobby', seq: 1, emoji: '🎉', on: true }, reply(bob));

    const asBob = await search(bob, { query: 'release' });
    expect(asBob?.results).toEqual([
      {
        message: expect.objectContaining({
          content: 'the release ships on friday',
          reactions: [{ emoji: '🎉', count: 1, me: true }],
        }),
        highlight: `the ${HIGHLIGHT_START}release${HIGHLIGHT_END} ships on friday`,
      },
    ]);
    expect(asBob?.cursor).toBeUndefined();
    const asAlice = await search(alice, { query: 'release' });
    expect(asAlice?.results[0]?.message.reactions).toEqual([{ emoji: '🎉', count: 1, me: false }]);
  });

  it('refuses a room the connection has not joined, as get_history does', async () => {
    await join(alice, 'lobby');
    await send(alice, 'lobby', 'secret plans');
    await expect(search(bob, { query: 'plans', roomId: 'lobby' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    // Without a room: only rooms bob is a member of, so nothing.
    expect((await search(bob, { query: 'plans' }))?.results).toEqual([]);
  });

  it('shrinks a page too heavy for one reply, and its cursor resumes after what was sent', async () => {
    await join(alice, 'lobby');
    const heavy = (i: number) => `needle ${i} ${'界'.repeat(12_000)}`;
    for (let i = 0; i < 8; i++) await send(alice, 'lobby', heavy(i));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const frame = await search(alice, {
        query: 'needle',
        limit: 50,
        ...(cursor ? { cursor } : {}),
      });
      expect(jsonBytes(frame)).toBeLessThanOrEqual(REPLY_BUDGET_BYTES);
      for (const r of frame?.results ?? []) {
        seen.push(r.message.content);
        expect(Array.from(r.highlight).length).toBeLessThanOrEqual(HIGHLIGHT_MAX_CHARS);
      }
      cursor = frame?.cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(Array.from({ length: 8 }, (_, i) => heavy(i)).sort());
  });

  it('answers bad_request for a cursor it did not give', async () => {
    await join(alice, 'lobby');
    await expect(search(alice, { query: 'x', cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'bad_request',
    });
  });
});
