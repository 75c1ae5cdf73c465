/** join_room, as the chat core serves it (regressions found by review in functions/). */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import type { Caller } from '../../../../functions/core/message.js';
import { type FakeWorld, fakeWorld, replyTo } from '../../../support/fakes.js';

let world: FakeWorld;
const alice: Caller = { connectionId: 'a1', userId: 'alice' };
const bob: Caller = { connectionId: 'b1', userId: 'bob' };

beforeEach(() => {
  world = fakeWorld();
});

const reply = (caller: Caller) => replyTo(world, caller);

describe('join_room', () => {
  /*
   * Regression: join_room decides "first connection of this user" from the connections
   * there were before the join. On a cache hit that list includes the joining connection
   * itself when it re-joins; on a cache miss it is read from DynamoDB after addToRoom and
   * the joining connection is filtered out, so a re-join looked like a first join and the
   * room got a second `presence online` for a user who never left. The answer depended on
   * cache state.
   */
  it('does not announce the user of a re-joining connection online again', async () => {
    const noReply = async () => undefined;
    await joinRoom(world.deps, alice, { roomId: 'lobby' }, noReply);
    await joinRoom(world.deps, bob, { roomId: 'lobby' }, noReply);
    world.sender.clear();

    await joinRoom(world.deps, bob, { roomId: 'lobby' }, noReply); // warm cache
    expect(world.sender.framesOfType('a1', 'presence')).toEqual([]);

    world.cache.flush();
    await joinRoom(world.deps, bob, { roomId: 'lobby' }, noReply); // cold cache
    expect(world.sender.framesOfType('a1', 'presence')).toEqual([]);
  });

  // Regression: a cache that failed a membership write left a half-written join.
  it('undoes the DynamoDB join when the cache cannot take it', async () => {
    vi.spyOn(world.cache, 'addRoomConnection').mockRejectedValueOnce(new Error('redis down'));
    await expect(joinRoom(world.deps, alice, { roomId: 'lobby' }, reply(alice))).rejects.toThrow(
      'redis down',
    );
    expect(await world.connections.isInRoom('lobby', alice.connectionId)).toBe(false);
  });
});
