/** leave_room, as the chat core serves it (regressions found by review in functions/). */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { leaveRoom } from '../../../../functions/core/actions/leave-room.js';
import type { Caller } from '../../../../functions/core/message.js';
import { type FakeWorld, fakeWorld, replyTo } from '../../../support/fakes.js';

let world: FakeWorld;
const alice: Caller = { connectionId: 'a1', userId: 'alice' };

beforeEach(() => {
  world = fakeWorld();
});

const reply = (caller: Caller) => replyTo(world, caller);

describe('leave_room', () => {
  // Regression: a cache that failed a membership write left a half-written leave.
  it('puts the DynamoDB join back when the cache cannot forget it', async () => {
    await joinRoom(world.deps, alice, { roomId: 'lobby' }, reply(alice));
    vi.spyOn(world.cache, 'removeRoomConnection').mockRejectedValueOnce(new Error('redis down'));
    await expect(leaveRoom(world.deps, alice, { roomId: 'lobby' }, reply(alice))).rejects.toThrow(
      'redis down',
    );
    expect(await world.connections.isInRoom('lobby', alice.connectionId)).toBe(true);
  });
});
