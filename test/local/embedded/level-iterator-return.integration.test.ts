/**
 * Every Query and Scan of the embedded DynamoDB closes its level iterator once answered.
 * dynalite 4.0.0 left them open (it calls `iterator.return()`, which abstract-level's
 * iterators lack), so `npm run dev` grew by an iterator and its native LevelDB iterator per
 * `$disconnect` (each one Queries the connection's items).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureConnectionsTable } from '../../../functions/stores/dynamodb/table.js';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../../local/embedded/dynamodb.js';
import { abstractLevelCopies } from '../../../local/embedded/level-iterator-return.js';

const TIMEOUT = 60_000;
const QUERIES = 40;
/** Iterators attached to a level db and not yet detached (closed). */
const open = new Set<object>();
const restores: (() => void)[] = [];
let dir = '';
let dynamo: EmbeddedDynamo | undefined;
let client: DynamoDBClient | undefined;

beforeAll(async () => {
  for (const level of abstractLevelCopies()) {
    const proto = level.AbstractLevel.prototype;
    const { attachResource, detachResource } = proto;
    proto.attachResource = function (resource) {
      if ('next' in resource) open.add(resource);
      attachResource.call(this, resource);
    };
    proto.detachResource = function (resource) {
      open.delete(resource);
      detachResource.call(this, resource);
    };
    restores.push(() => {
      proto.attachResource = attachResource;
      proto.detachResource = detachResource;
    });
  }
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-dynamo-iterators-'));
  dynamo = await startEmbeddedDynamo({ dataDir: dir, log: () => {} });
  client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}, TIMEOUT);

afterAll(async () => {
  client?.destroy();
  await dynamo?.stop();
  for (const restore of restores) restore();
  await rm(dir, { recursive: true, force: true });
});

it(
  'closes the iterator of every Query and Scan, read to the end or cut by a Limit',
  async () => {
    const db = client as DynamoDBClient;
    const TableName = 'iterators';
    // The connections table's key schema (pk, sk), made as Parley makes it.
    await ensureConnectionsTable(db, TableName);
    for (const sk of ['a', 'b', 'c']) {
      await db.send(new PutItemCommand({ TableName, Item: { pk: { S: 'p' }, sk: { S: sk } } }));
    }
    const query = (pk: string, Limit?: number) =>
      db.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ConsistentRead: true,
          Limit,
        }),
      );
    for (let i = 0; i < QUERIES; i++) {
      // A partition with items, one without (a $disconnect's usual case), one cut short.
      expect((await query('p')).Count).toBe(3);
      expect((await query(`missing-${i}`)).Count).toBe(0);
      expect((await query('p', 1)).Count).toBe(1);
      expect((await db.send(new ScanCommand({ TableName }))).Count).toBe(3);
    }
    // A stream closes its iterator just after the answer is sent: wait for it, no longer.
    await expect.poll(() => open.size, { timeout: 10_000 }).toBe(0);
  },
  TIMEOUT,
);
