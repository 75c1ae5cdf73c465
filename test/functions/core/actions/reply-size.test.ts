/**
 * Every reply fits 128 KB, at the core with the fakes (whose sender refuses a frame over
 * 128 KB as API Gateway does): a big room's `online` list, and history pages of
 * maximum-size messages served alike from the cached window and from the record.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getHistory } from '../../../../functions/core/actions/get-history.js';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import type { ActionHandler } from '../../../../functions/core/actions/types.js';
import { DEFAULT_LIMITS, REPLY_MAX_BYTES } from '../../../../functions/core/limits.js';
import type { Caller, RoomConnection } from '../../../../functions/core/message.js';
import type { ReplyFrame, RoomHistoryFrame } from '../../../../functions/core/server-frames.js';
import { type FakeWorld, fakeWorld } from '../../../support/fakes.js';

let world: FakeWorld;

beforeEach(() => {
  world = fakeWorld();
});

/** Runs an action and returns its reply as sent, with its size. */
async function run<R>(action: ActionHandler<R>, caller: Caller, request: R) {
  let sent: string | undefined;
  const reply = async (frame: ReplyFrame) => {
    sent = JSON.stringify({ ...frame, requestId: 'x'.repeat(64) });
    await world.deps.sender.send(caller.connectionId, sent);
  };
  await action(world.deps, caller, request, reply);
  if (sent === undefined) throw new Error('no reply');
  return { frame: JSON.parse(sent) as RoomHistoryFrame, bytes: Buffer.byteLength(sent) };
}

describe('join_room in a room of 2,500 users with 64-character ids', () => {
  const room = 'stadium';
  const users = Array.from({ length: 2500 }, (_, i) => `u${String(i).padStart(63, '0')}`);
  const connections: RoomConnection[] = users.map((userId, i) => ({
    connectionId: `c${i}`,
    userId,
  }));
  const joiner: Caller = { connectionId: 'c-late', userId: users[1234]! };

  beforeEach(async () => {
    for (const c of connections) {
      await world.connections.putConnection({ ...c, connectedAt: 1 });
      await world.connections.addToRoom(room, c);
    }
    await world.connections.putConnection({ ...joiner, connectedAt: 1 });
  });

  async function expectCapped() {
    const { frame, bytes } = await run(joinRoom, joiner, { roomId: room });
    expect(frame.type).toBe('room_history');
    expect(bytes).toBeLessThanOrEqual(REPLY_MAX_BYTES);
    expect(frame.onlineCount).toBe(2500);
    expect(frame.online).toHaveLength(DEFAULT_LIMITS.onlineListMax);
    expect(frame.online).toContain(joiner.userId);
    expect(new Set(frame.online).size).toBe(DEFAULT_LIMITS.onlineListMax);
    for (const user of frame.online ?? []) expect(users).toContain(user);
  }

  it('with the room not cached (read from the durable store): capped list, full count', async () => {
    await expectCapped();
  });

  it('with the room cached: capped list, full count', async () => {
    const cold = await world.cache.roomConnections(room);
    await world.cache.fillRoomConnections(room, connections, cold.version ?? '');
    expect((await world.cache.roomConnections(room)).connections).toHaveLength(2500);
    await expectCapped();
  });

  it("counts a user who joins in a new room's first reply", async () => {
    const alone: Caller = { connectionId: 'c-alone', userId: 'alone' };
    await world.connections.putConnection({ ...alone, connectedAt: 1 });
    const { frame } = await run(joinRoom, alone, { roomId: 'empty' });
    expect(frame).toMatchObject({ online: ['alone'], onlineCount: 1 });
  });
});

describe('history of maximum-size messages, from the cached window and from the record', () => {
  const room = 'heavy';
  const reader: Caller = { connectionId: 'r1', userId: 'reader' };
  const kinds = ['字', '😀', '\u0001', '"'];
  const COUNT = 60;

  beforeEach(async () => {
    await world.messages.joinRoom(room, 'writer');
    for (let i = 0; i < COUNT; i++) {
      const content = kinds[i % kinds.length]!.repeat(DEFAULT_LIMITS.maxMessageChars);
      await world.messages.appendMessage({ roomId: room, userId: 'writer', content });
    }
    await world.connections.putConnection({ ...reader, connectedAt: 1 });
    await run(joinRoom, reader, { roomId: room });
  });

  const queries = [
    { limit: 100 },
    { before: 40, limit: 100 },
    { after: 0, limit: 100 },
    { after: 33, limit: 100 },
  ];

  it.each(queries)(
    'get_history %o: the same cut page from all three paths, and it fits',
    async (query) => {
      const request = { roomId: room, ...query };
      const fromWindow = await run(getHistory, reader, request);
      expect(fromWindow.bytes).toBeLessThanOrEqual(REPLY_MAX_BYTES);
      expect(fromWindow.frame.hasMore).toBe(true);
      expect(fromWindow.frame.messages.length).toBeGreaterThan(0);
      expect(fromWindow.frame.messages.length).toBeLessThan(COUNT);

      // A cold window: rebuilt from the record's newest messages, then paged.
      const latest = vi.spyOn(world.messages, 'latest');
      await world.cache.forgetRecentMessages(room);
      expect((await run(getHistory, reader, request)).frame).toEqual(fromWindow.frame);
      expect(latest).toHaveBeenCalledTimes(1);

      // The cache down: the page comes from the record's own history query.
      const history = vi.spyOn(world.messages, 'history');
      vi.spyOn(world.cache, 'recentMessages').mockRejectedValue(new Error('cache down'));
      expect((await run(getHistory, reader, request)).frame).toEqual(fromWindow.frame);
      expect(history).toHaveBeenCalledTimes(1);
    },
  );
});
