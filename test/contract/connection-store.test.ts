/** The ConnectionStore contract against a DynamoDB-compatible server. */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  CONNECTION_TTL_SECONDS,
  DynamoConnectionStore,
} from '../../functions/stores/dynamodb/connection-store.js';
import { testDynamo, uid } from '../support/services.js';

describe('ConnectionStore contract: DynamoDB', () => {
  const client = testDynamo();
  const table = inject('connectionsTable');
  const now = 1_800_000_000_000;
  const store = new DynamoConnectionStore(client, table, () => now);
  afterAll(() => client.destroy());

  it('records a connection and reads it back', async () => {
    const id = uid('c');
    expect(await store.getConnection(id)).toBeUndefined();
    await store.putConnection({ connectionId: id, userId: 'alice', connectedAt: 123 });
    expect(await store.getConnection(id)).toEqual({
      connectionId: id,
      userId: 'alice',
      connectedAt: 123,
    });
  });

  it('sets a TTL just past the 2-hour connection limit on every item', async () => {
    const id = uid('c');
    const room = uid();
    await store.putConnection({ connectionId: id, userId: 'alice', connectedAt: now });
    await store.addToRoom(room, { connectionId: id, userId: 'alice' });
    const expected = String(now / 1000 + CONNECTION_TTL_SECONDS);
    for (const key of [
      { pk: `conn#${id}`, sk: 'meta' },
      { pk: `conn#${id}`, sk: `room#${room}` },
      { pk: `room#${room}`, sk: `conn#${id}` },
    ]) {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
      );
      expect(Item?.expiresAt?.N).toBe(expected);
    }
    expect(CONNECTION_TTL_SECONDS).toBeGreaterThan(2 * 3600);
  });

  it("lists a room's connections and answers membership by key", async () => {
    const room = uid();
    const [a, b] = [uid('c'), uid('c')];
    await store.addToRoom(room, { connectionId: a, userId: 'alice' });
    await store.addToRoom(room, { connectionId: b, userId: 'bob' });
    expect(
      (await store.roomConnections(room)).sort((x, y) => x.userId.localeCompare(y.userId)),
    ).toEqual([
      { connectionId: a, userId: 'alice' },
      { connectionId: b, userId: 'bob' },
    ]);
    expect(await store.isInRoom(room, a)).toBe(true);
    expect(await store.isInRoom(room, 'nobody')).toBe(false);
    expect(await store.roomConnections(uid())).toEqual([]);
  });

  it('removes a connection from one room and says whether it was there', async () => {
    const room = uid();
    const id = uid('c');
    await store.addToRoom(room, { connectionId: id, userId: 'alice' });
    expect(await store.removeFromRoom(room, id)).toBe(true);
    expect(await store.removeFromRoom(room, id)).toBe(false);
    expect(await store.roomConnections(room)).toEqual([]);
  });

  it('deletes a connection with all its joins and reports them', async () => {
    const id = uid('c');
    const rooms = [uid(), uid(), uid()];
    await store.putConnection({ connectionId: id, userId: 'carol', connectedAt: 1 });
    for (const room of rooms) await store.addToRoom(room, { connectionId: id, userId: 'carol' });
    const dropped = await store.deleteConnection(id);
    expect(dropped.userId).toBe('carol');
    expect(dropped.rooms.sort()).toEqual([...rooms].sort());
    for (const room of rooms) expect(await store.roomConnections(room)).toEqual([]);
    expect(await store.getConnection(id)).toBeUndefined();
    expect(await store.deleteConnection(id)).toEqual({ rooms: [] });
  });

  it('reads a room with more members than one query page holds', async () => {
    const room = uid();
    const ids = Array.from({ length: 60 }, () => uid('c'));
    await Promise.all(ids.map((id) => store.addToRoom(room, { connectionId: id, userId: id })));
    expect((await store.roomConnections(room)).length).toBe(60);
  });
});
