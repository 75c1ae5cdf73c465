/** get_history, as the chat core serves it (regressions found by review in functions/). */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getHistory } from '../../../../functions/core/actions/get-history.js';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { sendMessage } from '../../../../functions/core/actions/send-message.js';
import type { Caller } from '../../../../functions/core/message.js';
import { type FakeWorld, fakeWorld, replyTo } from '../../../support/fakes.js';

let world: FakeWorld;
const alice: Caller = { connectionId: 'a1', userId: 'alice' };

beforeEach(() => {
  world = fakeWorld();
});

const reply = (caller: Caller) => replyTo(world, caller);

describe('get_history', () => {
  /*
   * Regression: send_message swallows a failed cache append ("readers detect the gap it
   * leaves"), but a gap is only visible once a later message lands. Until then the window
   * is contiguous and ends one message early, and get_history (which has no knownLastSeq,
   * unlike join_room) served it: the newest page missed the message, and `after` said
   * there was nothing more, which also defeated the protocol's "a client that sees a gap
   * can fetch it with get_history".
   */
  it('still returns a message whose cache append failed', async () => {
    await joinRoom(world.deps, alice, { roomId: 'lobby' }, reply(alice));
    await sendMessage(world.deps, alice, { roomId: 'lobby', content: 'one' }, reply(alice));
    vi.spyOn(world.cache, 'appendRecentMessage').mockRejectedValueOnce(new Error('timeout'));
    await sendMessage(world.deps, alice, { roomId: 'lobby', content: 'two' }, reply(alice));
    world.sender.clear();

    await getHistory(world.deps, alice, { roomId: 'lobby' }, reply(alice));
    await getHistory(world.deps, alice, { roomId: 'lobby', after: 1 }, reply(alice));
    const pages = world.sender.framesOfType('a1', 'room_history');
    expect(pages.map((p) => p.messages.map((m) => m.seq))).toEqual([[1, 2], [2]]);
  });
});
