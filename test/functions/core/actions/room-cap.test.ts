/** The cap on rooms per connection (`maxRoomsPerConnection`), as join_room applies it. */
import { describe, expect, it, vi } from 'vitest';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { leaveRoom } from '../../../../functions/core/actions/leave-room.js';
import type { Caller } from '../../../../functions/core/message.js';
import { fakeWorld } from '../../../support/fakes.js';

const alice: Caller = { connectionId: 'a1', userId: 'alice' };
const noReply = async () => undefined;

describe('rooms per connection', () => {
  it('refuses a join past the cap as forbidden, saying why, before writing anything', async () => {
    const world = fakeWorld({ maxRoomsPerConnection: 2 });
    await joinRoom(world.deps, alice, { roomId: 'a' }, noReply);
    await joinRoom(world.deps, alice, { roomId: 'b' }, noReply);
    const join = vi.spyOn(world.messages, 'joinRoom');
    const refused = joinRoom(world.deps, alice, { roomId: 'c' }, noReply);
    await expect(refused).rejects.toMatchObject({ code: 'forbidden' });
    await expect(refused).rejects.toThrow(/at most 2 rooms/);
    expect(join).not.toHaveBeenCalled();
    expect(await world.connections.roomsOf('a1')).toHaveLength(2);
  });

  it('lets a connection at the cap rejoin a room it has, and join once it left one', async () => {
    const world = fakeWorld({ maxRoomsPerConnection: 2 });
    await joinRoom(world.deps, alice, { roomId: 'a' }, noReply);
    await joinRoom(world.deps, alice, { roomId: 'b' }, noReply);
    await joinRoom(world.deps, alice, { roomId: 'b' }, noReply);
    await leaveRoom(world.deps, alice, { roomId: 'a' }, noReply);
    await joinRoom(world.deps, alice, { roomId: 'c' }, noReply);
    expect((await world.connections.roomsOf('a1')).sort()).toEqual(['b', 'c']);
  });

  it("counts each connection alone: another of the user's connections has its own cap", async () => {
    const world = fakeWorld({ maxRoomsPerConnection: 1 });
    await joinRoom(world.deps, alice, { roomId: 'a' }, noReply);
    await joinRoom(world.deps, { connectionId: 'a2', userId: 'alice' }, { roomId: 'b' }, noReply);
    expect(await world.connections.roomsOf('a2')).toEqual(['b']);
  });
});
