/**
 * The ConnectionStore contract on a DynamoDB-compatible server (DYNAMODB_ENDPOINT, else
 * the run's dynalite), then what only DynamoDB shows: the TTL on its items.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  CONNECTION_TTL_SECONDS,
  DynamoConnectionStore,
} from '../../../../functions/stores/dynamodb/connection-store.js';
import { testDynamo, uid } from '../../../support/services.js';
import { connectionStoreContract } from '../../core/ports/connection-store.contract.js';

connectionStoreContract('DynamoDB', async () => {
  const client = testDynamo();
  return [
    new DynamoConnectionStore(client, inject('connectionsTable')),
    async () => client.destroy(),
  ];
});

describe('DynamoConnectionStore items', () => {
  const client = testDynamo();
  const table = inject('connectionsTable');
  const now = 1_800_000_000_000;
  const store = new DynamoConnectionStore(client, table, () => now);
  afterAll(() => client.destroy());

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
});

describe('DynamoConnectionStore: connections per user', () => {
  const client = testDynamo();
  const table = inject('connectionsTable');
  afterAll(() => client.destroy());

  it("writes the user's item with the connection's TTL and deletes it with the connection", async () => {
    const now = 1_800_000_000_000;
    const store = new DynamoConnectionStore(client, table, () => now);
    const [id, user] = [uid('c'), uid('u')];
    await store.putConnection({ connectionId: id, userId: user, connectedAt: now });
    const key = { pk: { S: `user#${user}` }, sk: { S: `conn#${id}` } };
    const { Item } = await client.send(new GetItemCommand({ TableName: table, Key: key }));
    expect(Item?.expiresAt?.N).toBe(String(now / 1000 + CONNECTION_TTL_SECONDS));
    await store.deleteConnection(id);
    const after = await client.send(new GetItemCommand({ TableName: table, Key: key }));
    expect(after.Item).toBeUndefined();
  });

  it('stops counting a connection whose $disconnect was lost once its TTL has passed', async () => {
    const connectedAt = 1_800_000_000_000;
    const user = uid('u');
    const then = new DynamoConnectionStore(client, table, () => connectedAt);
    await then.putConnection({ connectionId: uid('c'), userId: user, connectedAt });
    expect(await then.liveConnectionsOf(user)).toBe(1);
    // DynamoDB may keep the expired item for days; the count must not see it.
    const justBefore = connectedAt + (CONNECTION_TTL_SECONDS - 1) * 1000;
    const justAfter = connectedAt + (CONNECTION_TTL_SECONDS + 1) * 1000;
    expect(
      await new DynamoConnectionStore(client, table, () => justBefore).liveConnectionsOf(user),
    ).toBe(1);
    expect(
      await new DynamoConnectionStore(client, table, () => justAfter).liveConnectionsOf(user),
    ).toBe(0);
  });
});
