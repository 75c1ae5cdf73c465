/**
 * The RoomCache contract, run against every implementation: Redis (bare and behind the
 * circuit breaker), Redis Cluster, and the in-memory stand-in that the dev server uses and
 * the tests' `fakeWorld()` uses as its cache (there is no other fake). Each factory returns
 * `[cache, cleanup]`, as socket.io-redis-adapter's runner does; `RoomFlush` forgets a room
 * as a flush or an eviction would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, RoomConnection } from '../../../../functions/core/message.js';
import type { PresenceView, RoomCache } from '../../../../functions/core/ports.js';
import { missVersion } from '../../../support/room-cache.js';
import { uid } from '../../../support/services.js';

export type CacheFactory = (window: number) => Promise<[RoomCache, () => Promise<void>]>;

/** Forgets everything the cache holds about one room, as a FLUSHALL or eviction would. */
export type RoomFlush = (cache: RoomCache, roomId: string) => Promise<void>;

const message = (roomId: string, seq: number, extra: Partial<Message> = {}): Message => ({
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  roomId,
  seq,
  userId: 'alice',
  content: `m${seq}`,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  ...extra,
});

/** Room enough for these tests' rooms: every presence answer is whole. */
const VIEW: PresenceView = { onlineMax: 100, othersMax: 100 };

export function roomCacheContract(name: string, factory: CacheFactory, flush: RoomFlush) {
  describe(`RoomCache contract: ${name}`, () => {
    let cache: RoomCache;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      [cache, cleanup] = await factory(5);
    });
    // A factory that failed (a server that could not start) has nothing to clean up.
    afterAll(() => cleanup?.());

    it('reports a miss for a room it has never seen', async () => {
      const room = uid();
      expect((await cache.roomConnections(room)).connections).toBeUndefined();
      expect(await cache.isInRoom(room, 'c1')).toBeUndefined();
      expect(await cache.recentMessages(room)).toBeUndefined();
    });

    it('caches an empty room as empty, not as a miss', async () => {
      const room = uid();
      const version = await missVersion(cache, room);
      await cache.fillRoomConnections(room, [], version);
      expect((await cache.roomConnections(room)).connections).toEqual([]);
      expect(await cache.isInRoom(room, 'c1')).toBe(false);
    });

    it('fills, adds and removes connections, answering presence changes', async () => {
      const room = uid();
      const alice = { connectionId: 'c1', userId: 'alice' };
      const bob = { connectionId: 'c2', userId: 'bob' };
      const version = await missVersion(cache, room);
      await cache.fillRoomConnections(room, [alice], version);
      const joined = await cache.addRoomConnection(room, bob, VIEW);
      expect(joined && { ...joined, online: [...joined.online].sort() }).toEqual({
        online: ['alice', 'bob'],
        onlineCount: 2,
        connectionCount: 2,
        userHasOthers: false,
        others: [alice],
      });
      expect(await cache.isInRoom(room, 'c2')).toBe(true);
      expect(await cache.removeRoomConnection(room, 'c1', VIEW)).toEqual({
        online: ['bob'],
        onlineCount: 1,
        connectionCount: 1,
        userHasOthers: false,
        others: [bob],
      });
      const { connections } = await cache.roomConnections(room);
      expect(connections).toEqual([bob]);
    });

    it("counts a user's connections: presence changes only at the first and the last", async () => {
      const room = uid();
      const [a1, a2, b1] = [
        { connectionId: 'a1', userId: 'a' },
        { connectionId: 'a2', userId: 'a' },
        { connectionId: 'b1', userId: 'b' },
      ];
      await cache.fillRoomConnections(room, [a1, b1], await missVersion(cache, room));
      const second = await cache.addRoomConnection(room, a2, VIEW);
      expect(second?.userHasOthers).toBe(true);
      expect(second?.others).toBeUndefined();
      // Joining again with a connection already listed counts it once.
      expect((await cache.addRoomConnection(room, a2, VIEW))?.userHasOthers).toBe(true);
      expect(await cache.removeRoomConnection(room, 'a1', VIEW)).toMatchObject({
        userHasOthers: true,
      });
      expect(await cache.removeRoomConnection(room, 'a2', VIEW)).toEqual({
        online: ['b'],
        onlineCount: 1,
        connectionCount: 1,
        userHasOthers: false,
        others: [b1],
      });
      // A connection the cache no longer lists changed nothing: nobody is told again.
      const again = await cache.removeRoomConnection(room, 'a2', VIEW);
      expect(again).toMatchObject({ userHasOthers: true, onlineCount: 1 });
      expect(again?.others).toBeUndefined();
      expect(await cache.removeRoomConnection(room, 'zz', VIEW)).toMatchObject({
        userHasOthers: true,
      });
      const back = await cache.addRoomConnection(room, a1, VIEW);
      expect(back && { ...back, online: [...back.online].sort() }).toEqual({
        online: ['a', 'b'],
        onlineCount: 2,
        connectionCount: 2,
        userHasOthers: false,
        others: [b1],
      });
    });

    it('answers a big room with counts and at most onlineMax users, never the whole room', async () => {
      const room = uid();
      const members = Array.from({ length: 30 }, (_, i) => ({
        connectionId: `c${i}`,
        userId: `u${i}`,
      }));
      await cache.fillRoomConnections(room, members, await missVersion(cache, room));
      const view = { onlineMax: 5, othersMax: 31 };
      const joined = await cache.addRoomConnection(
        room,
        { connectionId: 'new', userId: 'n' },
        view,
      );
      expect(joined?.online).toHaveLength(5);
      expect(new Set(joined?.online).size).toBe(5);
      for (const user of joined?.online ?? []) expect(user).toMatch(/^(u\d+|n)$/);
      // 31 connections: still at most othersMax, so the 30 others are listed.
      expect(joined).toMatchObject({ onlineCount: 31, connectionCount: 31, userHasOthers: false });
      expect(joined?.others).toHaveLength(30);
      // One more and the room is past othersMax: a count, no list.
      const next = await cache.addRoomConnection(room, { connectionId: 'new2', userId: 'm' }, view);
      expect(next).toMatchObject({ onlineCount: 32, connectionCount: 32, userHasOthers: false });
      expect(next?.others).toBeUndefined();
      // Back to 31 after a leave: listed again.
      const left = await cache.removeRoomConnection(room, 'c0', view);
      expect(left).toMatchObject({ onlineCount: 31, connectionCount: 31, userHasOthers: false });
      expect(left?.others).toHaveLength(31);
      const none = await cache.addRoomConnection(
        room,
        { connectionId: 'x', userId: 'x' },
        {
          onlineMax: 0,
          othersMax: 0,
        },
      );
      expect(none).toMatchObject({ online: [], onlineCount: 32, userHasOthers: false });
    });

    it('says which of some connections are in a room, or nothing when it is not cached', async () => {
      const room = uid();
      expect(await cache.membersOf(room, ['c1'])).toBeUndefined();
      const members = [
        { connectionId: 'c1', userId: 'a' },
        { connectionId: 'c2', userId: 'b' },
      ];
      await cache.fillRoomConnections(room, members, await missVersion(cache, room));
      await cache.removeRoomConnection(room, 'c2', VIEW);
      expect(await cache.membersOf(room, ['c1', 'c2', 'c3'])).toEqual(new Set(['c1']));
      expect(await cache.membersOf(room, [])).toEqual(new Set());
    });

    it('lets one caller a period claim a presence count', async () => {
      const [room, other] = [uid(), uid()];
      expect(await cache.claimPresenceCount(room, 60)).toBe(true);
      expect(await cache.claimPresenceCount(room, 60)).toBe(false);
      expect(await cache.claimPresenceCount(other, 60)).toBe(true);
    });

    it('lets one read receipt a period through, per user and room', async () => {
      const [room, other] = [uid(), uid()];
      expect(await cache.claimReadReceipt(room, 'a', 60_000)).toBe(true);
      expect(await cache.claimReadReceipt(room, 'a', 60_000)).toBe(false);
      expect(await cache.claimReadReceipt(room, 'b', 60_000)).toBe(true);
      expect(await cache.claimReadReceipt(other, 'a', 60_000)).toBe(true);
      // A claim does not make the room look cached.
      expect((await cache.roomConnections(room)).connections).toBeUndefined();
    });

    it('leaves an uncached room uncached on add and remove', async () => {
      const room = uid();
      expect(
        await cache.addRoomConnection(room, { connectionId: 'c1', userId: 'a' }, VIEW),
      ).toBeUndefined();
      expect(await cache.removeRoomConnection(room, 'c1', VIEW)).toBeUndefined();
      expect((await cache.roomConnections(room)).connections).toBeUndefined();
    });

    it('merges the joins and leaves made since the miss into the fill', async () => {
      const room = uid();
      const version = await missVersion(cache, room);
      // A leave and a join land between the fill's read of the durable store and its write.
      await cache.removeRoomConnection(room, 'c-left', VIEW);
      await cache.addRoomConnection(room, { connectionId: 'c-new', userId: 'n' }, VIEW);
      const read = [
        { connectionId: 'c-left', userId: 'x' },
        { connectionId: 'c-stay', userId: 's' },
      ];
      await cache.fillRoomConnections(room, read, version);
      const ids = async () =>
        ((await cache.roomConnections(room)).connections ?? []).map((c) => c.connectionId).sort();
      expect(await ids()).toEqual(['c-new', 'c-stay']);
      // A second fill, read as early, finds the room cached and changes nothing.
      await cache.fillRoomConnections(room, read, version);
      expect(await ids()).toEqual(['c-new', 'c-stay']);
      // The counts were merged too: c-stay's user leaving is the last of them.
      expect(await cache.removeRoomConnection(room, 'c-stay', VIEW)).toMatchObject({
        onlineCount: 1,
        connectionCount: 1,
        userHasOthers: false,
      });
    });

    it("keeps each connection's frame format through fills, joins, merges and appends", async () => {
      const room = uid();
      const version = await missVersion(cache, room);
      // Joined while the room was not cached: merged by the fill with its format.
      const late = { connectionId: 'c-late', userId: 'carol', format: 'compact' as const };
      await cache.addRoomConnection(room, late, VIEW);
      const alice = { connectionId: 'c-alice', userId: 'alice', format: 'compact' as const };
      const bob = { connectionId: 'c-bob', userId: 'bob' };
      await cache.fillRoomConnections(room, [alice, bob], version);
      const byId = (list: readonly RoomConnection[] | undefined) =>
        [...(list ?? [])].sort((a, b) => a.connectionId.localeCompare(b.connectionId));
      expect(byId((await cache.roomConnections(room)).connections)).toEqual([alice, bob, late]);
      // A second connection of alice's, long form: the user counts once, by her plain id.
      const alice2 = { connectionId: 'c-alice2', userId: 'alice' };
      const joined = await cache.addRoomConnection(room, alice2, VIEW);
      expect(joined?.userHasOthers).toBe(true);
      expect(joined && [...joined.online].sort()).toEqual(['alice', 'bob', 'carol']);
      const read = await cache.roomConnections(room);
      const dave = { connectionId: 'c-dave', userId: 'dave', format: 'compact' as const };
      await cache.addRoomConnection(room, dave, VIEW);
      const since = await cache.appendRecentMessage(room, message(room, 1), read.joinStamp);
      expect(since.kind === 'joined' && byId(since.connections)).toEqual([
        alice,
        alice2,
        bob,
        dave,
        late,
      ]);
      // Leaving drops the compact connection's user as it would any other's.
      await cache.removeRoomConnection(room, 'c-alice2', VIEW);
      expect(await cache.removeRoomConnection(room, 'c-alice', VIEW)).toMatchObject({
        userHasOthers: false,
        onlineCount: 3,
      });
    });

    it('serves a filled window and extends it with appends', async () => {
      const room = uid();
      await cache.fillRecentMessages(room, {
        floor: 1,
        messages: [message(room, 1), message(room, 2)],
      });
      await cache.appendRecentMessage(room, message(room, 3, { clientMsgId: 'k3' }));
      const window = await cache.recentMessages(room);
      expect(window?.floor).toBe(1);
      expect(window?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(window?.messages[2]).toEqual(message(room, 3, { clientMsgId: 'k3' }));
    });

    it('keeps every field of a message, attachments included, in fills and appends', async () => {
      const room = uid();
      const attachments = [
        {
          id: '0b0b0b0b-0000-4000-8000-000000000001',
          fileName: 'a ✓.png',
          contentType: 'image/png',
          size: 9,
          url: '',
        },
      ];
      const full = (seq: number) =>
        message(room, seq, {
          clientMsgId: `k${seq}`,
          replyTo: 1,
          mentions: ['bob'],
          reactions: [{ emoji: '👍', count: 2, me: false }],
          rev: 3,
          editedAt: new Date(Date.UTC(2026, 0, 2)).toISOString(),
          attachments,
        });
      await cache.fillRecentMessages(room, { floor: 1, messages: [message(room, 1), full(2)] });
      await cache.appendRecentMessage(room, full(3));
      const window = await cache.recentMessages(room);
      expect(window?.messages.slice(1)).toEqual([full(2), full(3)]);
    });

    it('keeps only the newest messages and moves the floor past what it trims', async () => {
      const room = uid();
      await cache.fillRecentMessages(room, { floor: 1, messages: [message(room, 1)] });
      for (let seq = 2; seq <= 8; seq++) await cache.appendRecentMessage(room, message(room, seq));
      const window = await cache.recentMessages(room);
      expect(window?.messages.map((m) => m.seq)).toEqual([4, 5, 6, 7, 8]);
      expect(window?.floor).toBe(4);
    });

    it('does not make a window out of appends alone, and merges them into a later fill', async () => {
      const room = uid();
      await cache.appendRecentMessage(room, message(room, 3));
      expect(await cache.recentMessages(room)).toBeUndefined();
      // The fill read PostgreSQL before message 3 committed.
      await cache.fillRecentMessages(room, {
        floor: 1,
        messages: [message(room, 1), message(room, 2)],
      });
      expect((await cache.recentMessages(room))?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    });

    it('stores a message once when the same seq is written twice', async () => {
      const room = uid();
      await cache.fillRecentMessages(room, { floor: 1, messages: [message(room, 1)] });
      await cache.appendRecentMessage(room, message(room, 1));
      expect((await cache.recentMessages(room))?.messages).toHaveLength(1);
    });

    describe('edited and deleted messages', () => {
      const edited = (roomId: string, seq: number, second: number) =>
        message(roomId, seq, {
          content: `m${seq} edited at ${second}`,
          editedAt: new Date(Date.UTC(2026, 0, 2, 0, 0, second)).toISOString(),
        });
      const tombstone = (roomId: string, seq: number) =>
        message(roomId, seq, { content: '', deleted: true });
      const window = async (roomId: string) => (await cache.recentMessages(roomId))?.messages;

      it('serves the new state in place of the old one', async () => {
        const room = uid();
        await cache.fillRecentMessages(room, {
          floor: 1,
          messages: [message(room, 1), message(room, 2), message(room, 3)],
        });
        await cache.replaceRecentMessage(room, edited(room, 2, 1));
        await cache.replaceRecentMessage(room, tombstone(room, 3));
        expect(await window(room)).toEqual([
          message(room, 1),
          edited(room, 2, 1),
          tombstone(room, 3),
        ]);
        expect((await cache.recentMessages(room))?.floor).toBe(1);
      });

      it('keeps a later state over an earlier one, whatever order they land in', async () => {
        const room = uid();
        await cache.fillRecentMessages(room, { floor: 1, messages: [message(room, 1)] });
        await cache.replaceRecentMessage(room, edited(room, 1, 2));
        await cache.replaceRecentMessage(room, edited(room, 1, 1));
        expect(await window(room)).toEqual([edited(room, 1, 2)]);
        await cache.replaceRecentMessage(room, tombstone(room, 1));
        await cache.replaceRecentMessage(room, edited(room, 1, 3));
        expect(await window(room)).toEqual([tombstone(room, 1)]);
        // A late append of the message as sent changes nothing either.
        await cache.appendRecentMessage(room, message(room, 1));
        expect(await window(room)).toEqual([tombstone(room, 1)]);
      });

      it('keeps an edit that landed before a fill which read the record before it', async () => {
        const room = uid();
        // The edit commits and lands while the room has no window: no window from it alone.
        await cache.replaceRecentMessage(room, edited(room, 2, 1));
        await cache.replaceRecentMessage(room, tombstone(room, 3));
        expect(await cache.recentMessages(room)).toBeUndefined();
        // The fill's read was before both: it must not bring the old states back.
        await cache.fillRecentMessages(room, {
          floor: 1,
          messages: [message(room, 1), message(room, 2), message(room, 3)],
        });
        expect(await window(room)).toEqual([
          message(room, 1),
          edited(room, 2, 1),
          tombstone(room, 3),
        ]);
      });

      it("keeps an edit that landed before its message's own append", async () => {
        const room = uid();
        await cache.fillRecentMessages(room, { floor: 1, messages: [message(room, 1)] });
        await cache.replaceRecentMessage(room, edited(room, 2, 1));
        await cache.appendRecentMessage(room, message(room, 2));
        expect(await window(room)).toEqual([message(room, 1), edited(room, 2, 1)]);
      });

      it('orders states by rev: a reaction outranks the edit before it, whatever order', async () => {
        const room = uid();
        const reacted = (rev: number, count: number, base: Message = message(room, 1)) => ({
          ...base,
          reactions: [{ emoji: '👍', count, me: false }],
          rev,
        });
        const edit = { ...edited(room, 1, 5), rev: 1 };
        // A reaction changes no editedAt: only rev says it is newer than the edit.
        const afterEdit = reacted(2, 1, edit);
        await cache.fillRecentMessages(room, { floor: 1, messages: [message(room, 1)] });
        await cache.replaceRecentMessage(room, afterEdit);
        await cache.replaceRecentMessage(room, edit);
        expect(await window(room)).toEqual([afterEdit]);
        // Two reactions' writes crossing: the higher rev stays.
        await cache.replaceRecentMessage(room, reacted(4, 3, edit));
        await cache.replaceRecentMessage(room, reacted(3, 2, edit));
        expect(await window(room)).toEqual([reacted(4, 3, edit)]);
        // A tombstone is final, whatever rev a late write carries.
        const gone = { ...tombstone(room, 1), rev: 5 };
        await cache.replaceRecentMessage(room, gone);
        await cache.replaceRecentMessage(room, reacted(9, 1, edit));
        expect(await window(room)).toEqual([gone]);
      });

      it('keeps a reaction that landed before a fill which read the record before it', async () => {
        const room = uid();
        const sent = message(room, 1, { mentions: ['bob'] });
        const reply = message(room, 2, { replyTo: 1 });
        await cache.fillRecentMessages(room, { floor: 1, messages: [sent, reply] });
        const reacted: Message = {
          ...sent,
          reactions: [{ emoji: '🎉', count: 1, me: false }],
          rev: 1,
        };
        await cache.forgetRecentMessages(room);
        // The reaction's write lands on a room with no window; then a fill that read before it.
        await cache.replaceRecentMessage(room, reacted);
        await cache.fillRecentMessages(room, { floor: 1, messages: [sent, reply] });
        // Every v2 field survives the cache: replyTo, mentions, reactions, rev.
        expect(await window(room)).toEqual([reacted, reply]);
      });

      it('leaves seqs below the window alone, and trims to the window', async () => {
        const room = uid();
        const five = [3, 4, 5, 6, 7].map((seq) => message(room, seq));
        await cache.fillRecentMessages(room, { floor: 3, messages: five });
        await cache.replaceRecentMessage(room, edited(room, 2, 1));
        expect(await cache.recentMessages(room)).toEqual({ floor: 3, messages: five });
        // Above the newest (its append still on the way): kept, the window stays at five.
        await cache.replaceRecentMessage(room, edited(room, 8, 1));
        expect(await cache.recentMessages(room)).toEqual({
          floor: 4,
          messages: [...five.slice(1), edited(room, 8, 1)],
        });
      });
    });

    it('treats a window with no messages as a miss (its keys may expire apart)', async () => {
      const room = uid();
      await cache.fillRecentMessages(room, { floor: 1, messages: [] });
      expect(await cache.recentMessages(room)).toBeUndefined();
      await cache.appendRecentMessage(room, message(room, 1));
      expect((await cache.recentMessages(room))?.messages.map((m) => m.seq)).toEqual([1]);
    });

    it('tells a send who joined since it read the room, in the same step as the append', async () => {
      const room = uid();
      const alice = { connectionId: 'c-alice', userId: 'alice' };
      const bob = { connectionId: 'c-bob', userId: 'bob' };
      await cache.fillRoomConnections(room, [alice], await missVersion(cache, room));
      const read = await cache.roomConnections(room);
      expect(read.connections).toEqual([alice]);
      // Nobody joined: the send's list is whole.
      expect(await cache.appendRecentMessage(room, message(room, 1), read.joinStamp)).toEqual({
        kind: 'none',
      });
      // A rejoin of a connection already listed is no join either.
      await cache.addRoomConnection(room, alice, VIEW);
      expect(await cache.appendRecentMessage(room, message(room, 2), read.joinStamp)).toEqual({
        kind: 'none',
      });
      // Bob joined between the read and the append: he is in the answer.
      await cache.addRoomConnection(room, bob, VIEW);
      const since = await cache.appendRecentMessage(room, message(room, 3), read.joinStamp);
      expect(since.kind).toBe('joined');
      const joined = since.kind === 'joined' ? since.connections : [];
      expect(joined.map((c) => c.connectionId).sort()).toEqual(['c-alice', 'c-bob']);
      // A send that read no stamp (the durable store answered) is told the whole room.
      expect((await cache.appendRecentMessage(room, message(room, 4))).kind).toBe('joined');
    });

    it('cannot tell a send who joined once the room is no longer cached', async () => {
      const room = uid();
      const alice = { connectionId: 'c-alice', userId: 'alice' };
      await cache.fillRoomConnections(room, [alice], await missVersion(cache, room));
      const { joinStamp } = await cache.roomConnections(room);
      await flush(cache, room);
      await cache.addRoomConnection(room, { connectionId: 'c-bob', userId: 'bob' }, VIEW);
      expect(await cache.appendRecentMessage(room, message(room, 1), joinStamp)).toEqual({
        kind: 'unknown',
      });
    });

    it('gives a refilled room a join stamp it never had before', async () => {
      const room = uid();
      const alice = { connectionId: 'c-alice', userId: 'alice' };
      await cache.fillRoomConnections(room, [alice], await missVersion(cache, room));
      const before = (await cache.roomConnections(room)).joinStamp;
      await flush(cache, room);
      const bob = { connectionId: 'c-bob', userId: 'bob' };
      await cache.fillRoomConnections(room, [alice, bob], await missVersion(cache, room));
      const after = await cache.roomConnections(room);
      expect(after.connections).toHaveLength(2);
      expect(after.joinStamp).not.toBe(before);
      expect((await cache.appendRecentMessage(room, message(room, 1), before)).kind).toBe('joined');
    });

    it('refuses a fill whose version was read before a flush and a join', async () => {
      const room = uid();
      await cache.addRoomConnection(room, { connectionId: 'c-a', userId: 'a' }, VIEW);
      const version = await missVersion(cache, room);
      await flush(cache, room);
      await cache.addRoomConnection(room, { connectionId: 'c-b', userId: 'b' }, VIEW);
      await cache.fillRoomConnections(room, [{ connectionId: 'c-a', userId: 'a' }], version);
      expect((await cache.roomConnections(room)).connections).toBeUndefined();
    });
  });
}
