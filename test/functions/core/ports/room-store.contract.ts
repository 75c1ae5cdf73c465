/**
 * The RoomStore contract, run against every implementation: PostgreSQL (bare and behind the
 * circuit breaker) and the tests' fake (`FakeRoomStore`, under every action test). The
 * harness pairs the room store with the message store of the same record, since joins and
 * sends are where governance takes effect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatError } from '../../../../functions/core/errors.js';
import type { MessageStore, RoomStore } from '../../../../functions/core/ports.js';
import type { Visibility } from '../../../../functions/core/room.js';
import { uid } from '../../../support/services.js';

export interface RoomStoreHarness {
  rooms: RoomStore;
  messages: MessageStore;
}

export type RoomStoreFactory = () => Promise<[RoomStoreHarness, () => Promise<void>]>;

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ChatError) return error.code;
    throw error;
  }
  return 'allowed';
}

export function roomStoreContract(name: string, factory: RoomStoreFactory) {
  describe(`RoomStore contract: ${name}`, () => {
    let rooms: RoomStore;
    let messages: MessageStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const [harness, done] = await factory();
      ({ rooms, messages } = harness);
      cleanup = done;
    });
    afterAll(() => cleanup?.());

    /** A fresh room owned by `owner`, with `members` added. */
    async function roomWith(
      owner: string,
      members: string[] = [],
      visibility: Visibility = 'public',
    ) {
      const roomId = uid();
      await rooms.createRoom({ roomId, visibility, encrypted: false, createdBy: owner });
      for (const userId of members) {
        await rooms.changeMember({ action: 'add', roomId, actorId: owner, userId });
      }
      return roomId;
    }

    it('creates a room with its creator as owner, and refuses a taken id', async () => {
      const roomId = uid();
      const room = await rooms.createRoom({
        roomId,
        name: 'Général ✓',
        visibility: 'private',
        encrypted: true,
        createdBy: 'olga',
      });
      expect(room).toMatchObject({
        roomId,
        name: 'Général ✓',
        visibility: 'private',
        kind: 'room',
        encrypted: true,
        createdBy: 'olga',
        lastSeq: 0,
        slowModeSec: 0,
      });
      expect(room.retentionDays).toBeUndefined();
      expect(await rooms.getRoom(roomId)).toEqual(room);
      expect(await rooms.getMember(roomId, 'olga')).toMatchObject({ role: 'owner' });
      expect(
        await refusal(
          rooms.createRoom({ roomId, visibility: 'public', encrypted: false, createdBy: 'x' }),
        ),
      ).toBe('conflict');
      expect(await rooms.getRoom(uid())).toBeUndefined();
    });

    it('admits only members to a private room', async () => {
      const roomId = await roomWith('olga', ['mia'], 'private');
      expect(await refusal(messages.joinRoom(roomId, 'stranger'))).toBe('forbidden');
      expect(await refusal(messages.joinRoom(roomId, 'mia'))).toBe('allowed');
    });

    it('lets owners add admins, admins add only members, members add nobody', async () => {
      const roomId = await roomWith('olga', ['mia']);
      await rooms.changeMember({
        action: 'add',
        roomId,
        actorId: 'olga',
        userId: 'ada',
        role: 'admin',
      });
      expect(await rooms.getMember(roomId, 'ada')).toMatchObject({ role: 'admin' });
      const add = (actorId: string, userId: string, role?: 'admin' | 'member') =>
        refusal(
          rooms.changeMember({ action: 'add', roomId, actorId, userId, ...(role ? { role } : {}) }),
        );
      expect(await add('ada', 'ben', 'admin')).toBe('forbidden');
      expect(await add('ada', 'ben')).toBe('allowed');
      expect(await add('mia', 'cat')).toBe('forbidden');
      expect(await add('stranger', 'cat')).toBe('forbidden');
      // Adding a member again changes nothing.
      const again = await rooms.changeMember({
        action: 'add',
        roomId,
        actorId: 'olga',
        userId: 'ben',
      });
      expect(again.changed).toBe(false);
    });

    it('keeps an owner: the last one can neither leave nor step down', async () => {
      const roomId = await roomWith('olga', ['mia']);
      expect(
        await refusal(
          rooms.changeMember({ action: 'remove', roomId, actorId: 'olga', userId: 'olga' }),
        ),
      ).toBe('forbidden');
      expect(
        await refusal(
          rooms.changeMember({
            action: 'set_role',
            roomId,
            actorId: 'olga',
            userId: 'olga',
            role: 'member',
          }),
        ),
      ).toBe('bad_request');
      await rooms.changeMember({
        action: 'set_role',
        roomId,
        actorId: 'olga',
        userId: 'mia',
        role: 'owner',
      });
      const left = await rooms.changeMember({
        action: 'remove',
        roomId,
        actorId: 'olga',
        userId: 'olga',
      });
      expect(left).toMatchObject({ changed: true, member: { userId: 'olga', removed: true } });
      expect(await rooms.getMember(roomId, 'olga')).toBeUndefined();
    });

    it('lets only a higher role remove, ban or mute', async () => {
      const roomId = await roomWith('olga', ['mia', 'max']);
      await rooms.changeMember({
        action: 'add',
        roomId,
        actorId: 'olga',
        userId: 'ada',
        role: 'admin',
      });
      const act = (action: 'remove' | 'ban' | 'mute', actorId: string, userId: string) =>
        refusal(rooms.changeMember({ action, roomId, actorId, userId }));
      expect(await act('remove', 'mia', 'max')).toBe('forbidden');
      expect(await act('ban', 'ada', 'olga')).toBe('forbidden');
      expect(await act('mute', 'ada', 'olga')).toBe('forbidden');
      expect(await act('mute', 'ada', 'max')).toBe('allowed');
      expect(await act('remove', 'ada', 'max')).toBe('allowed');
      expect(await act('remove', 'ada', 'max')).toBe('not_found');
    });

    it('bans keep a user out until lifted or ended, and unban lets them back', async () => {
      const mia = `mia-${uid()}`;
      const roomId = await roomWith('olga', [mia]);
      const banned = await rooms.changeMember({
        action: 'ban',
        roomId,
        actorId: 'olga',
        userId: mia,
        reason: 'spam',
      });
      expect(banned.member).toMatchObject({ banned: true, banReason: 'spam', role: 'member' });
      expect(await refusal(messages.joinRoom(roomId, mia))).toBe('forbidden');
      expect(await refusal(messages.appendMessage({ roomId, userId: mia, content: 'x' }))).toBe(
        'forbidden',
      );
      // A stranger can be banned from a public room before they ever join it.
      await rooms.changeMember({ action: 'ban', roomId, actorId: 'olga', userId: 'troll' });
      expect(await refusal(messages.joinRoom(roomId, 'troll'))).toBe('forbidden');
      // Banned users are not listed as members, and do not see the room in their list.
      const { members } = await rooms.listMembers(roomId, { limit: 10 });
      expect(members.map((m) => m.userId)).toEqual(['olga']);
      expect((await rooms.listRooms(mia, { limit: 10 })).rooms).toEqual([]);

      const lifted = await rooms.changeMember({
        action: 'unban',
        roomId,
        actorId: 'olga',
        userId: mia,
      });
      expect(lifted.member.banned).toBeUndefined();
      expect(await refusal(messages.joinRoom(roomId, mia))).toBe('allowed');
      const again = await rooms.changeMember({
        action: 'unban',
        roomId,
        actorId: 'olga',
        userId: mia,
      });
      expect(again.changed).toBe(false);
    });

    it('a ban with an end in the past holds no longer', async () => {
      const roomId = await roomWith('olga', ['mia']);
      const until = new Date(Date.now() - 60_000).toISOString();
      const { member } = await rooms.changeMember({
        action: 'ban',
        roomId,
        actorId: 'olga',
        userId: 'mia',
        until,
      });
      expect(member.banned).toBeUndefined();
      expect(await refusal(messages.joinRoom(roomId, 'mia'))).toBe('allowed');
    });

    it('a muted member cannot send until unmuted', async () => {
      const roomId = await roomWith('olga', ['mia']);
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const { member } = await rooms.changeMember({
        action: 'mute',
        roomId,
        actorId: 'olga',
        userId: 'mia',
        until,
      });
      expect(member).toMatchObject({ muted: true, mutedUntil: until });
      expect(await refusal(messages.appendMessage({ roomId, userId: 'mia', content: 'x' }))).toBe(
        'forbidden',
      );
      await rooms.changeMember({ action: 'unmute', roomId, actorId: 'olga', userId: 'mia' });
      expect(await refusal(messages.appendMessage({ roomId, userId: 'mia', content: 'x' }))).toBe(
        'allowed',
      );
    });

    it('refuses a send from someone who is not a member', async () => {
      const roomId = await roomWith('olga');
      expect(
        await refusal(messages.appendMessage({ roomId, userId: 'nobody', content: 'x' })),
      ).toBe('forbidden');
    });

    it('holds members to slow mode, but not owners and admins', async () => {
      const roomId = await roomWith('olga', ['mia']);
      await rooms.updateRoom(roomId, 'olga', { slowModeSec: 60 });
      await messages.appendMessage({ roomId, userId: 'mia', content: 'one', clientMsgId: 'a' });
      const error = await messages
        .appendMessage({ roomId, userId: 'mia', content: 'two' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChatError);
      expect(error).toMatchObject({ code: 'rate_limited' });
      const wait = (error as ChatError).retryAfterMs ?? 0;
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000);
      // A retry of the message that went through still gets its copy back.
      const retry = await messages.appendMessage({
        roomId,
        userId: 'mia',
        content: 'one',
        clientMsgId: 'a',
      });
      expect(retry.duplicate).toBe(true);
      await messages.appendMessage({ roomId, userId: 'olga', content: 'owner 1' });
      await messages.appendMessage({ roomId, userId: 'olga', content: 'owner 2' });
    });

    it('lets owners and admins change settings, and nobody else', async () => {
      const roomId = await roomWith('olga', ['mia']);
      const room = await rooms.updateRoom(roomId, 'olga', {
        name: 'Ops',
        visibility: 'private',
        retentionDays: 30,
      });
      expect(room).toMatchObject({ name: 'Ops', visibility: 'private', retentionDays: 30 });
      const cleared = await rooms.updateRoom(roomId, 'olga', { retentionDays: null });
      expect(cleared.retentionDays).toBeUndefined();
      expect(await refusal(rooms.updateRoom(roomId, 'mia', { name: 'Mine' }))).toBe('forbidden');
      expect(await refusal(rooms.updateRoom(uid(), 'olga', { name: 'x' }))).toBe('not_found');
    });

    it('gives two users the same DM room whichever opens it, administered by nobody', async () => {
      const a = `a-${uid()}`;
      const b = `b-${uid()}`;
      const first = await rooms.openDm(a, b);
      const second = await rooms.openDm(b, a);
      expect(second.roomId).toBe(first.roomId);
      expect(first).toMatchObject({ kind: 'dm', visibility: 'private' });
      expect(first.roomId.startsWith('dm_')).toBe(true);
      expect(first.roomId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
      expect(await refusal(messages.joinRoom(first.roomId, a))).toBe('allowed');
      expect(await refusal(messages.joinRoom(first.roomId, 'eve'))).toBe('forbidden');
      expect(
        await refusal(
          rooms.changeMember({ action: 'add', roomId: first.roomId, actorId: a, userId: 'eve' }),
        ),
      ).toBe('forbidden');
      expect(await refusal(rooms.updateRoom(first.roomId, a, { name: 'x' }))).toBe('forbidden');
      // Nobody can take a DM id by creating or joining it first.
      expect(
        await refusal(
          rooms.createRoom({
            roomId: 'dm_mine',
            visibility: 'public',
            encrypted: false,
            createdBy: a,
          }),
        ),
      ).toBe('bad_request');
      expect(await refusal(messages.joinRoom(`dm_${uid()}`, a))).toBe('not_found');
    });

    it('lists members by user id, a page at a time', async () => {
      const roomId = await roomWith('m00', ['m03', 'm01', 'm02', 'm04']);
      const first = await rooms.listMembers(roomId, { limit: 2 });
      expect(first.members.map((m) => m.userId)).toEqual(['m00', 'm01']);
      const second = await rooms.listMembers(roomId, { limit: 2, cursor: first.cursor! });
      expect(second.members.map((m) => m.userId)).toEqual(['m02', 'm03']);
      const third = await rooms.listMembers(roomId, { limit: 2, cursor: second.cursor! });
      expect(third.members.map((m) => m.userId)).toEqual(['m04']);
      expect(third.cursor).toBeUndefined();
    });

    it("gives each listed member their read cursor, as list_rooms gives the user's", async () => {
      const roomId = await roomWith('r00', ['r01', 'r02']);
      for (const content of ['one', 'two', 'three']) {
        await messages.appendMessage({ roomId, userId: 'r00', content });
      }
      await messages.markRead(roomId, 'r01', 2);
      const { members } = await rooms.listMembers(roomId, { limit: 10 });
      expect(members.map((m) => [m.userId, m.readSeq])).toEqual([
        ['r00', 3],
        ['r01', 2],
        ['r02', 0],
      ]);
      const { rooms: listed } = await rooms.listRooms('r01', { limit: 10 });
      expect(listed.find((r) => r.roomId === roomId)).toMatchObject({ readSeq: 2, unread: 1 });
    });

    it("lists a user's rooms newest activity first, with the last message", async () => {
      const user = `u-${uid()}`;
      const quiet = await roomWith(user);
      const busy = await roomWith(user);
      const newest = await roomWith(user);
      await messages.appendMessage({ roomId: busy, userId: user, content: 'hello' });
      const page1 = await rooms.listRooms(user, { limit: 2 });
      expect(page1.rooms.map((r) => r.roomId)).toEqual([busy, newest]);
      expect(page1.rooms[0]).toMatchObject({
        role: 'owner',
        lastSeq: 1,
        lastMessage: { content: 'hello', seq: 1 },
      });
      expect(page1.rooms[1]?.lastMessage).toBeUndefined();
      const page2 = await rooms.listRooms(user, { limit: 2, cursor: page1.cursor! });
      expect(page2.rooms.map((r) => r.roomId)).toEqual([quiet]);
      expect(page2.cursor).toBeUndefined();
    });

    it('counts unread mentions as the content reads now: edits and deletes follow', async () => {
      const owner = `u-${uid()}`;
      const roomId = await roomWith(owner, ['mia', 'ned']);
      const mentions = async (userId: string) =>
        (await rooms.listRooms(userId, { limit: 100 })).rooms.find((r) => r.roomId === roomId)
          ?.unreadMentions;
      const say = (content: string, named: string[]) =>
        messages.appendMessage({ roomId, userId: owner, content, mentions: named });
      await say('@mia @ned', ['mia', 'ned']);
      await say('@mia again', ['mia']);
      expect([await mentions('mia'), await mentions('ned')]).toEqual([2, 1]);
      await messages.editMessage({
        roomId,
        seq: 1,
        editorId: owner,
        content: '@ned',
        mentions: ['ned'],
      });
      expect([await mentions('mia'), await mentions('ned')]).toEqual([1, 1]);
      await messages.deleteMessage({ roomId, seq: 2, actorId: owner, asModerator: false });
      expect(await mentions('mia')).toBe(0);
    });

    it("marks the caller's own reactions on each room's last message", async () => {
      const owner = `u-${uid()}`;
      const roomId = await roomWith(owner, ['mia']);
      await messages.appendMessage({ roomId, userId: owner, content: 'vote' });
      await messages.react({ roomId, seq: 1, userId: 'mia', emoji: '👍', on: true, maxEmoji: 20 });
      const last = async (userId: string) =>
        (await rooms.listRooms(userId, { limit: 100 })).rooms.find((r) => r.roomId === roomId)
          ?.lastMessage?.reactions;
      expect(await last('mia')).toEqual([{ emoji: '👍', count: 1, me: true }]);
      expect(await last(owner)).toEqual([{ emoji: '👍', count: 1, me: false }]);
    });
  });
}
