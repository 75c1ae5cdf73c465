/**
 * `list_rooms` and `get_room` pages fit 128 KB however heavy their items are: a page that
 * would not fit is read again shorter, and following the cursors still lists every room
 * (and member) exactly once. At the core with the fakes, whose sender refuses a frame over
 * 128 KB as API Gateway does.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { getRoom, listRooms } from '../../../../functions/core/actions/room-actions.js';
import type { ActionHandler } from '../../../../functions/core/actions/types.js';
import {
  DEFAULT_LIMITS,
  REPLY_MAX_BYTES,
  USER_ID_MAX_CHARS,
} from '../../../../functions/core/limits.js';
import type { Caller } from '../../../../functions/core/message.js';
import type {
  ReplyFrame,
  RoomFrame,
  RoomsFrame,
} from '../../../../functions/core/server-frames.js';
import { type FakeWorld, fakeWorld } from '../../../support/fakes.js';

let world: FakeWorld;
const owner: Caller = { connectionId: 'c1', userId: 'olga' };

beforeEach(() => {
  world = fakeWorld();
});

/** Runs an action and returns its reply as sent (with the longest requestId), and its size. */
async function run<R, F>(
  action: ActionHandler<R>,
  request: R,
): Promise<{ frame: F; bytes: number }> {
  let sent: string | undefined;
  const reply = async (frame: ReplyFrame) => {
    sent = JSON.stringify({ ...frame, requestId: 'x'.repeat(64) });
    await world.deps.sender.send(owner.connectionId, sent);
  };
  await action(world.deps, owner, request, reply);
  if (sent === undefined) throw new Error('no reply');
  return { frame: JSON.parse(sent) as F, bytes: Buffer.byteLength(sent) };
}

/** The heaviest text a message may hold: every character escaped to six bytes. */
const heavy = '\u0001'.repeat(DEFAULT_LIMITS.maxMessageChars);

describe('list_rooms', () => {
  it('cuts a page of rooms with the heaviest last messages to fit, and loses none', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const roomId = `room-${String(i).padStart(2, '0')}`;
      ids.push(roomId);
      await world.rooms.createRoom({
        roomId,
        visibility: 'public',
        encrypted: false,
        createdBy: 'olga',
      });
      await world.messages.appendMessage({ roomId, userId: 'olga', content: heavy });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { frame, bytes } = await run<{ cursor?: string; limit?: number }, RoomsFrame>(
        listRooms,
        { limit: 100, ...(cursor ? { cursor } : {}) },
      );
      expect(bytes).toBeLessThanOrEqual(REPLY_MAX_BYTES);
      expect(frame.rooms.length).toBeGreaterThan(0);
      seen.push(...frame.rooms.map((r) => r.roomId));
      cursor = frame.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect([...seen].sort()).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('get_room', () => {
  it('cuts a page of members with the longest user ids to fit, and loses none', async () => {
    await world.rooms.createRoom({
      roomId: 'big',
      visibility: 'public',
      encrypted: false,
      createdBy: 'olga',
    });
    // User ids of the longest kind, every character escaped in JSON.
    const users = Array.from(
      { length: 100 },
      (_, i) => `${String(i).padStart(3, '0')}${'\u0002'.repeat(USER_ID_MAX_CHARS - 3)}`,
    );
    for (const userId of users) {
      await world.rooms.changeMember({ action: 'add', roomId: 'big', actorId: 'olga', userId });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { frame, bytes } = await run<
        { roomId: string; cursor?: string; limit?: number },
        RoomFrame
      >(getRoom, { roomId: 'big', limit: 100, ...(cursor ? { cursor } : {}) });
      expect(bytes).toBeLessThanOrEqual(REPLY_MAX_BYTES);
      seen.push(...(frame.members ?? []).map((m) => m.userId));
      cursor = frame.membersCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual([...users, 'olga'].sort());
  });
});
