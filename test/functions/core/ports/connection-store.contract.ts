/**
 * The ConnectionStore contract, run against every implementation: DynamoDB (the run's
 * DynamoDB-compatible server) and the tests' fake (`FakeConnectionStore`, under every
 * action and handler test). Each factory returns `[store, cleanup]`, as
 * socket.io-redis-adapter's test runner does. Only what the port shows is asserted here;
 * DynamoDB's items and their TTL are tested in its own file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomConnection } from '../../../../functions/core/message.js';
import type { ConnectionStore } from '../../../../functions/core/ports.js';
import { uid } from '../../../support/services.js';

export type ConnectionStoreFactory = () => Promise<[ConnectionStore, () => Promise<void>]>;

const byUser = (connections: RoomConnection[]) =>
  [...connections].sort((x, y) => x.userId.localeCompare(y.userId));

export function connectionStoreContract(name: string, factory: ConnectionStoreFactory) {
  describe(`ConnectionStore contract: ${name}`, () => {
    let store: ConnectionStore;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      [store, cleanup] = await factory();
    });
    // A factory that failed (a server that could not start) has nothing to clean up.
    afterAll(() => cleanup?.());

    it('records a connection and reads back what was recorded', async () => {
      const id = uid('c');
      expect(await store.getConnection(id)).toBeUndefined();
      const record = { connectionId: id, userId: 'alice', connectedAt: 123 };
      await store.putConnection(record);
      record.userId = 'mallory'; // the caller's object is not the store's
      expect(await store.getConnection(id)).toEqual({
        connectionId: id,
        userId: 'alice',
        connectedAt: 123,
      });
    });

    it("keeps a connection's compact frame format on its record and its room joins", async () => {
      const id = uid('c');
      const record = {
        connectionId: id,
        userId: 'alice',
        connectedAt: 1,
        format: 'compact' as const,
      };
      await store.putConnection(record);
      expect(await store.getConnection(id)).toEqual(record);
      const room = uid();
      const long = uid('c');
      await store.addToRoom(room, { connectionId: id, userId: 'alice', format: 'compact' });
      await store.addToRoom(room, { connectionId: long, userId: 'bob' });
      const listed = await store.roomConnections(room);
      expect([...listed].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([
        { connectionId: id, userId: 'alice', format: 'compact' },
        { connectionId: long, userId: 'bob' },
      ]);
    });

    it("counts a user's live connections, and not those deleted or another user's", async () => {
      const [user, other] = [uid('u'), uid('u')];
      expect(await store.liveConnectionsOf(user)).toBe(0);
      const [a, b, c] = [uid('c'), uid('c'), uid('c')];
      await store.putConnection({ connectionId: a, userId: user, connectedAt: 1 });
      await store.putConnection({ connectionId: b, userId: user, connectedAt: 2 });
      await store.putConnection({ connectionId: c, userId: other, connectedAt: 3 });
      // Recording the same connection again (a retried $connect) counts it once.
      await store.putConnection({ connectionId: a, userId: user, connectedAt: 1 });
      expect(await store.liveConnectionsOf(user)).toBe(2);
      await store.deleteConnection(a);
      expect(await store.liveConnectionsOf(user)).toBe(1);
      expect(await store.liveConnectionsOf(other)).toBe(1);
    });

    it('says whether a connection had already joined a room, and lists it once', async () => {
      const room = uid();
      const id = uid('c');
      expect(await store.addToRoom(room, { connectionId: id, userId: 'alice' })).toBe(false);
      expect(await store.addToRoom(room, { connectionId: id, userId: 'alice' })).toBe(true);
      expect(await store.roomConnections(room)).toEqual([{ connectionId: id, userId: 'alice' }]);
    });

    it("lists a room's connections and answers membership by key", async () => {
      const room = uid();
      const [a, b] = [uid('c'), uid('c')];
      await store.addToRoom(room, { connectionId: a, userId: 'alice' });
      await store.addToRoom(room, { connectionId: b, userId: 'bob' });
      expect(byUser(await store.roomConnections(room))).toEqual([
        { connectionId: a, userId: 'alice' },
        { connectionId: b, userId: 'bob' },
      ]);
      expect(await store.isInRoom(room, a)).toBe(true);
      expect(await store.isInRoom(room, 'nobody')).toBe(false);
      expect(await store.isInRoom(uid(), a)).toBe(false);
      expect(await store.roomConnections(uid())).toEqual([]);
    });

    it('removes a connection from one room and says whether it was there', async () => {
      const [room, other] = [uid(), uid()];
      const id = uid('c');
      await store.addToRoom(room, { connectionId: id, userId: 'alice' });
      await store.addToRoom(other, { connectionId: id, userId: 'alice' });
      expect(await store.removeFromRoom(room, id)).toBe(true);
      expect(await store.removeFromRoom(room, id)).toBe(false);
      expect(await store.removeFromRoom(uid(), id)).toBe(false);
      expect(await store.roomConnections(room)).toEqual([]);
      expect(await store.isInRoom(room, id)).toBe(false);
      expect(await store.isInRoom(other, id)).toBe(true);
    });

    it("lists a connection's rooms: what it joined and has not left", async () => {
      const id = uid('c');
      const [a, b, c] = [uid(), uid(), uid()];
      expect(await store.roomsOf(id)).toEqual([]);
      await store.putConnection({ connectionId: id, userId: 'alice', connectedAt: 1 });
      for (const room of [a, b, c])
        await store.addToRoom(room, { connectionId: id, userId: 'alice' });
      await store.addToRoom(a, { connectionId: uid('c'), userId: 'bob' });
      await store.removeFromRoom(b, id);
      expect((await store.roomsOf(id)).sort()).toEqual([a, c].sort());
    });

    it('deletes a connection with all its joins and reports them', async () => {
      const id = uid('c');
      const stays = uid('c');
      const rooms = [uid(), uid(), uid()];
      await store.putConnection({ connectionId: id, userId: 'carol', connectedAt: 1 });
      for (const room of rooms) await store.addToRoom(room, { connectionId: id, userId: 'carol' });
      await store.addToRoom(rooms[0] ?? '', { connectionId: stays, userId: 'dave' });
      const dropped = await store.deleteConnection(id);
      expect(dropped.userId).toBe('carol');
      expect(dropped.rooms.sort()).toEqual([...rooms].sort());
      expect(await store.roomConnections(rooms[0] ?? '')).toEqual([
        { connectionId: stays, userId: 'dave' },
      ]);
      for (const room of rooms.slice(1)) expect(await store.roomConnections(room)).toEqual([]);
      expect(await store.getConnection(id)).toBeUndefined();
      expect(await store.deleteConnection(id)).toEqual({ rooms: [] });
    });

    it('says whose a connection was from its joins when its record is missing', async () => {
      const id = uid('c');
      const room = uid();
      await store.addToRoom(room, { connectionId: id, userId: 'erin' });
      expect(await store.deleteConnection(id)).toEqual({ userId: 'erin', rooms: [room] });
      expect(await store.isInRoom(room, id)).toBe(false);
    });

    it('reads a room with more members than one query page holds', async () => {
      const room = uid();
      const ids = Array.from({ length: 60 }, () => uid('c'));
      await Promise.all(ids.map((id) => store.addToRoom(room, { connectionId: id, userId: id })));
      const listed = await store.roomConnections(room);
      expect(listed.map((c) => c.connectionId).sort()).toEqual([...ids].sort());
    });

    it("lists the ids of a user's live connections, not those deleted", async () => {
      const [user, a, b] = [uid('u'), uid('c'), uid('c')];
      expect(await store.connectionIdsOf(user)).toEqual([]);
      await store.putConnection({ connectionId: a, userId: user, connectedAt: 1 });
      await store.putConnection({ connectionId: b, userId: user, connectedAt: 2 });
      await store.putConnection({ connectionId: uid('c'), userId: uid('u'), connectedAt: 3 });
      expect((await store.connectionIdsOf(user)).sort()).toEqual([a, b].sort());
      await store.deleteConnection(a);
      expect(await store.connectionIdsOf(user)).toEqual([b]);
    });

    it('keeps a status and a lastSeen per user, each write keeping the other', async () => {
      const [ann, ben, nobody] = [uid('u'), uid('u'), uid('u')];
      await store.putStatus(ann, { status: 'away', text: 'lunch' });
      await store.putLastSeen(ann, 1_000);
      await store.putLastSeen(ben, 2_000);
      await store.putStatus(ben, { status: 'dnd' });
      const states = await store.userStates([ann, ben, nobody, ann]);
      expect(states.get(ann)).toEqual({
        status: { status: 'away', text: 'lunch' },
        lastSeen: 1_000,
      });
      expect(states.get(ben)).toEqual({ status: { status: 'dnd' }, lastSeen: 2_000 });
      expect(states.has(nobody)).toBe(false);
      // A status without text clears the old text.
      await store.putStatus(ann, { status: 'online' });
      expect((await store.userStates([ann])).get(ann)).toEqual({
        status: { status: 'online' },
        lastSeen: 1_000,
      });
      expect(await store.userStates([])).toEqual(new Map());
    });

    it("forgets a user's status and lastSeen, and no one else's, as often as asked", async () => {
      const [gone, kept, never] = [uid('u'), uid('u'), uid('u')];
      await store.putStatus(gone, { status: 'dnd', text: 'away for good' });
      await store.putLastSeen(gone, 3_000);
      await store.putStatus(kept, { status: 'away' });
      await store.forgetUserState(gone);
      const states = await store.userStates([gone, kept]);
      expect(states.has(gone)).toBe(false);
      expect(states.get(kept)).toEqual({ status: { status: 'away' } });
      // Again, and for a user with nothing recorded: both succeed and change nothing.
      await store.forgetUserState(gone);
      await store.forgetUserState(never);
      expect((await store.userStates([gone, never])).size).toBe(0);
    });

    it("does not count a user's status as one of their connections", async () => {
      const user = uid('u');
      await store.putStatus(user, { status: 'away' });
      await store.putLastSeen(user, 5);
      expect(await store.liveConnectionsOf(user)).toBe(0);
      expect(await store.connectionIdsOf(user)).toEqual([]);
    });
  });
}
