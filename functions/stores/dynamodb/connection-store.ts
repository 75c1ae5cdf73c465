/**
 * Connections and their room joins in one DynamoDB table (pk, sk), written so that both
 * questions are a Query on one partition, never a Scan:
 *   pk `conn#{id}`  sk `meta`          whose connection, when it connected
 *   pk `conn#{id}`  sk `room#{roomId}` the rooms it joined ($disconnect clean-up)
 *   pk `room#{id}`  sk `conn#{connId}` who is in the room (fan-out, presence), and `format`
 *                                      `compact` when the connection reads compact frames
 *   pk `user#{id}`  sk `conn#{connId}` the user's connections (the cap at $connect)
 *   pk `user#{id}`  sk `state`         the user's chosen status and when they were last
 *                                      seen: kept between connections (no TTL), and not
 *                                      counted by the cap, which counts `expiresAt` items
 * Every connection item carries `expiresAt` (TTL) just past API Gateway's 2-hour connection limit,
 * since $disconnect is best-effort and a missed one must not leave members forever.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  UpdateItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { StoreUnavailableError } from '../../core/errors.js';
import { CONNECTION_TTL_MS } from '../../core/limits.js';
import type { RoomConnection } from '../../core/message.js';
import type { ConnectionRecord, ConnectionStore, UserState, UserStatus } from '../../core/ports.js';
import { guarded } from './errors.js';

/** API Gateway closes every connection at 2 hours; keep records 10 minutes longer. */
export const CONNECTION_TTL_SECONDS = CONNECTION_TTL_MS / 1000;
const BATCH_SIZE = 25;
/** BatchGetItem's most keys per call. */
const GET_BATCH_SIZE = 100;
const BATCH_ATTEMPTS = 5;

const connKey = (connectionId: string) => `conn#${connectionId}`;
const roomKey = (roomId: string) => `room#${roomId}`;
const userKey = (userId: string) => `user#${userId}`;

export class DynamoConnectionStore implements ConnectionStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  private expiresAt(): string {
    return String(Math.floor(this.now() / 1000) + CONNECTION_TTL_SECONDS);
  }

  /**
   * Two puts, both idempotent, at once (PutItem is all $connect is granted beside Query):
   * the connection's record and its item in the user's partition. Either alone is cleaned
   * up by $disconnect or stops counting at its TTL.
   */
  async putConnection(connection: ConnectionRecord): Promise<void> {
    const expiresAt = { N: this.expiresAt() };
    const userId = { S: connection.userId };
    const put = (Item: Record<string, AttributeValue>) =>
      guarded(() => this.client.send(new PutItemCommand({ TableName: this.tableName, Item })));
    await Promise.all([
      put({
        pk: { S: connKey(connection.connectionId) },
        sk: { S: 'meta' },
        userId,
        connectedAt: { N: String(connection.connectedAt) },
        expiresAt,
        ...(connection.format === 'compact' ? { format: { S: 'compact' } } : {}),
      }),
      put({
        pk: { S: userKey(connection.userId) },
        sk: { S: connKey(connection.connectionId) },
        expiresAt,
      }),
    ]);
  }

  /**
   * One Query of the user's partition, counted by DynamoDB (`Select: COUNT`); items past
   * their TTL are filtered out, as DynamoDB deletes them lazily: a lost $disconnect holds a
   * place for at most the TTL, never forever.
   */
  async liveConnectionsOf(userId: string): Promise<number> {
    let count = 0;
    await this.queryPages(
      {
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: {
          ':pk': { S: userKey(userId) },
          ':now': { N: String(this.now() / 1000) },
        },
        Select: 'COUNT',
      },
      (page) => {
        count += page.Count ?? 0;
      },
    );
    return count;
  }

  /** One Query of the user's partition: its live `conn#` items. */
  async connectionIdsOf(userId: string): Promise<string[]> {
    const ids: string[] = [];
    for (const item of await this.queryPartition(userKey(userId))) {
      const sk = item.sk?.S ?? '';
      if (sk.startsWith('conn#') && this.isLive(item)) ids.push(sk.slice('conn#'.length));
    }
    return ids;
  }

  async getConnection(connectionId: string): Promise<ConnectionRecord | undefined> {
    const { Item } = await guarded(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: connKey(connectionId) }, sk: { S: 'meta' } },
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item?.userId?.S || !this.isLive(Item)) return undefined;
    const record = {
      connectionId,
      userId: Item.userId.S,
      connectedAt: Number(Item.connectedAt?.N ?? 0),
    };
    return Item.format?.S === 'compact' ? { ...record, format: 'compact' } : record;
  }

  /**
   * Two puts, both idempotent: a failure between them leaves a join the client's retry
   * completes, and either item alone is cleaned up by $disconnect or by its TTL.
   */
  async addToRoom(roomId: string, connection: RoomConnection): Promise<boolean> {
    const expiresAt = { N: this.expiresAt() };
    const userId = { S: connection.userId };
    const [roomItem] = await Promise.all([
      guarded(() =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              pk: { S: roomKey(roomId) },
              sk: { S: connKey(connection.connectionId) },
              userId,
              expiresAt,
              ...(connection.format === 'compact' ? { format: { S: 'compact' } } : {}),
            },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      ),
      guarded(() =>
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              pk: { S: connKey(connection.connectionId) },
              sk: { S: roomKey(roomId) },
              userId,
              expiresAt,
            },
          }),
        ),
      ),
    ]);
    return roomItem.Attributes !== undefined;
  }

  async removeFromRoom(roomId: string, connectionId: string): Promise<boolean> {
    const { Attributes } = await guarded(() =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: roomKey(roomId) }, sk: { S: connKey(connectionId) } },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    await guarded(() =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: connKey(connectionId) }, sk: { S: roomKey(roomId) } },
        }),
      ),
    );
    return Attributes !== undefined;
  }

  async isInRoom(roomId: string, connectionId: string): Promise<boolean> {
    const { Item } = await guarded(() =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: roomKey(roomId) }, sk: { S: connKey(connectionId) } },
          ConsistentRead: true,
          ProjectionExpression: 'expiresAt',
        }),
      ),
    );
    return Item !== undefined && this.isLive(Item);
  }

  /**
   * DynamoDB deletes expired items lazily (often days late), so reads skip them
   * themselves: a connection whose $disconnect was missed stops counting at its TTL.
   */
  private isLive(item: Record<string, AttributeValue>): boolean {
    const expiresAt = Number(item.expiresAt?.N ?? Number.POSITIVE_INFINITY);
    return expiresAt > this.now() / 1000;
  }

  async roomConnections(roomId: string): Promise<RoomConnection[]> {
    const items = (await this.queryPartition(roomKey(roomId))).filter((item) => this.isLive(item));
    const connections: RoomConnection[] = [];
    for (const item of items) {
      const sk = item.sk?.S;
      const userId = item.userId?.S;
      if (sk?.startsWith('conn#') && userId) {
        const connectionId = sk.slice('conn#'.length);
        connections.push(
          item.format?.S === 'compact'
            ? { connectionId, userId, format: 'compact' }
            : { connectionId, userId },
        );
      }
    }
    return connections;
  }

  /** One Query of the connection's partition: its `room#` items (and its one `meta`). */
  async roomsOf(connectionId: string): Promise<string[]> {
    const rooms: string[] = [];
    for (const item of await this.queryPartition(connKey(connectionId))) {
      const sk = item.sk?.S ?? '';
      if (sk.startsWith('room#') && this.isLive(item)) rooms.push(sk.slice('room#'.length));
    }
    return rooms;
  }

  async deleteConnection(connectionId: string): Promise<{ userId?: string; rooms: string[] }> {
    const items = await this.queryPartition(connKey(connectionId));
    let userId: string | undefined;
    const rooms: string[] = [];
    const deletes: WriteRequest[] = [];
    for (const item of items) {
      const sk = item.sk?.S ?? '';
      userId ??= item.userId?.S;
      deletes.push({ DeleteRequest: { Key: { pk: { S: connKey(connectionId) }, sk: { S: sk } } } });
      if (sk.startsWith('room#')) {
        const roomId = sk.slice('room#'.length);
        rooms.push(roomId);
        deletes.push({
          DeleteRequest: { Key: { pk: { S: roomKey(roomId) }, sk: { S: connKey(connectionId) } } },
        });
      }
    }
    if (userId !== undefined) {
      deletes.push({
        DeleteRequest: { Key: { pk: { S: userKey(userId) }, sk: { S: connKey(connectionId) } } },
      });
    }
    await this.batchWrite(deletes);
    return userId === undefined ? { rooms } : { userId, rooms };
  }

  /** One UpdateItem: the status fields only, so `lastSeen` stays. */
  async putStatus(userId: string, status: UserStatus): Promise<void> {
    const values: Record<string, AttributeValue> = { ':status': { S: status.status } };
    let update = 'SET #status = :status';
    if (status.text === undefined) update += ' REMOVE #text';
    else {
      update += ', #text = :text';
      values[':text'] = { S: status.text };
    }
    await this.updateState(userId, update, values, { '#status': 'status', '#text': 'text' });
  }

  async putLastSeen(userId: string, at: number): Promise<void> {
    await this.updateState(userId, 'SET lastSeen = :at', { ':at': { N: String(at) } });
  }

  /** One DeleteItem by key: deleting an item that is not there succeeds too. */
  async forgetUserState(userId: string): Promise<void> {
    await guarded(() =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: userKey(userId) }, sk: { S: 'state' } },
        }),
      ),
    );
  }

  private async updateState(
    userId: string,
    UpdateExpression: string,
    ExpressionAttributeValues: Record<string, AttributeValue>,
    ExpressionAttributeNames?: Record<string, string>,
  ): Promise<void> {
    await guarded(() =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { pk: { S: userKey(userId) }, sk: { S: 'state' } },
          UpdateExpression,
          ExpressionAttributeValues,
          ExpressionAttributeNames,
        }),
      ),
    );
  }

  /** BatchGetItem, 100 keys a call, retrying what DynamoDB leaves unprocessed. */
  async userStates(userIds: readonly string[]): Promise<Map<string, UserState>> {
    const states = new Map<string, UserState>();
    const unique = [...new Set(userIds)];
    for (let i = 0; i < unique.length; i += GET_BATCH_SIZE) {
      let keys: Record<string, AttributeValue>[] | undefined = unique
        .slice(i, i + GET_BATCH_SIZE)
        .map((id) => ({ pk: { S: userKey(id) }, sk: { S: 'state' } }));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt === BATCH_ATTEMPTS) throw new StoreUnavailableError('DynamoDB');
        const requested: Record<string, AttributeValue>[] = keys;
        const page: BatchGetItemCommandOutput = await guarded(() =>
          this.client.send(
            new BatchGetItemCommand({
              RequestItems: { [this.tableName]: { Keys: requested, ConsistentRead: true } },
            }),
          ),
        );
        for (const item of page.Responses?.[this.tableName] ?? []) {
          const userId = item.pk?.S?.slice('user#'.length);
          if (userId !== undefined) states.set(userId, toUserState(item));
        }
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys;
        if (keys && keys.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
    return states;
  }

  private async queryPartition(pk: string): Promise<Record<string, AttributeValue>[]> {
    const all: Record<string, AttributeValue>[] = [];
    await this.queryPages(
      { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: pk } } },
      (page) => all.push(...(page.Items ?? [])),
    );
    return all;
  }

  /** A strongly consistent Query of this table, page after page. */
  private async queryPages(
    input: Omit<QueryCommandInput, 'TableName' | 'ConsistentRead' | 'ExclusiveStartKey'>,
    onPage: (page: QueryCommandOutput) => void,
  ): Promise<void> {
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await guarded(() =>
        this.client.send(
          new QueryCommand({
            ...input,
            TableName: this.tableName,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      onPage(page);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /** BatchWriteItem in chunks of 25, retrying what DynamoDB leaves unprocessed. */
  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    for (let i = 0; i < requests.length; i += BATCH_SIZE) {
      let pending: WriteRequest[] = requests.slice(i, i + BATCH_SIZE);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt === BATCH_ATTEMPTS) throw new StoreUnavailableError('DynamoDB');
        const { UnprocessedItems } = await guarded(() =>
          this.client.send(
            new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }),
          ),
        );
        pending = UnprocessedItems?.[this.tableName] ?? [];
        if (pending.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      }
    }
  }
}

function toUserState(item: Record<string, AttributeValue>): UserState {
  const state: UserState = {};
  const status = item.status?.S;
  if (status === 'online' || status === 'away' || status === 'dnd') {
    state.status = item.text?.S === undefined ? { status } : { status, text: item.text.S };
  }
  if (item.lastSeen?.N !== undefined) state.lastSeen = Number(item.lastSeen.N);
  return state;
}
