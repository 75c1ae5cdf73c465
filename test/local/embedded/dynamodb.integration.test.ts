import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionsTableInput } from '../../../functions/stores/dynamodb/table.js';
import { startEmbeddedDynamo } from '../../../local/embedded/dynamodb.js';
import { startDynamoProcess } from '../../../local/embedded/dynamodb-process.js';

const TIMEOUT = 60_000;
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-dynamo-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

async function createTable(client: DynamoDBClient, TableName: string): Promise<void> {
  const { TableDescription } = await client.send(
    new CreateTableCommand(connectionsTableInput(TableName)),
  );
  expect(TableDescription?.TableStatus).toBe('CREATING');
  // createTableMs: 0 makes it ACTIVE straight away.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const { Table } = await client.send(new DescribeTableCommand({ TableName }));
  expect(Table?.TableStatus).toBe('ACTIVE');
}

const key = { pk: { S: 'room#1' }, sk: { S: 'msg#0001' } };

describe('startEmbeddedDynamo', () => {
  it(
    'keeps tables and items across a restart on the same data directory',
    async () => {
      const dataDir = path.join(await tempDir(), 'dynamo');
      const first = await startEmbeddedDynamo({ dataDir, log: () => undefined });
      const c1 = clientFor(first.endpoint);
      try {
        expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        await createTable(c1, 'parley');
        await c1.send(
          new PutItemCommand({ TableName: 'parley', Item: { ...key, body: { S: 'hello' } } }),
        );
      } finally {
        c1.destroy();
        await first.stop();
      }

      // Same directory: the level db lock must have been released by stop().
      const second = await startEmbeddedDynamo({ dataDir, log: () => undefined });
      const c2 = clientFor(second.endpoint);
      try {
        const { Item } = await c2.send(new GetItemCommand({ TableName: 'parley', Key: key }));
        expect(Item).toEqual({ ...key, body: { S: 'hello' } });
      } finally {
        c2.destroy();
        await second.stop();
      }
    },
    TIMEOUT,
  );

  it(
    'works in memory without a data directory',
    async () => {
      const logs: string[] = [];
      const dynamo = await startEmbeddedDynamo({ log: (m) => logs.push(m) });
      const client = clientFor(dynamo.endpoint);
      try {
        expect(logs.join('\n')).toContain('in memory');
        await createTable(client, 'parley');
        await client.send(new PutItemCommand({ TableName: 'parley', Item: key }));
        const { Item } = await client.send(new GetItemCommand({ TableName: 'parley', Key: key }));
        expect(Item).toEqual(key);
      } finally {
        client.destroy();
        await dynamo.stop();
      }
    },
    TIMEOUT,
  );

  it(
    'runs two servers in different directories at the same time',
    async () => {
      const [a, b] = await Promise.all([
        startEmbeddedDynamo({ dataDir: path.join(await tempDir(), 'd'), log: () => undefined }),
        startEmbeddedDynamo({ dataDir: path.join(await tempDir(), 'd'), log: () => undefined }),
      ]);
      const ca = clientFor(a.endpoint);
      const cb = clientFor(b.endpoint);
      try {
        expect(a.endpoint).not.toBe(b.endpoint);
        await Promise.all([createTable(ca, 'parley'), createTable(cb, 'parley')]);
        await ca.send(new PutItemCommand({ TableName: 'parley', Item: key }));
        const { Item } = await cb.send(new GetItemCommand({ TableName: 'parley', Key: key }));
        expect(Item).toBeUndefined();
      } finally {
        ca.destroy();
        cb.destroy();
        await Promise.all([a.stop(), b.stop()]);
      }
    },
    TIMEOUT,
  );

  it(
    'refuses a data directory that another running server holds',
    async () => {
      const dataDir = path.join(await tempDir(), 'dynamo');
      const first = await startEmbeddedDynamo({ dataDir, log: () => undefined });
      try {
        await expect(startEmbeddedDynamo({ dataDir, log: () => undefined })).rejects.toThrow(
          /another dev server/,
        );
      } finally {
        await first.stop();
      }
    },
    TIMEOUT,
  );

  it(
    'runs in a child process that serves, keeps data and reports a held directory in one line',
    async () => {
      const dataDir = path.join(await tempDir(), 'dynamo');
      const child = await startDynamoProcess({ dataDir, log: () => undefined });
      const client = clientFor(child.endpoint);
      try {
        expect(child.pid).not.toBe(process.pid);
        await createTable(client, 'parley');
        await client.send(new PutItemCommand({ TableName: 'parley', Item: key }));
        await expect(startDynamoProcess({ dataDir, log: () => undefined })).rejects.toThrow(
          /^embedded DynamoDB cannot open .*another dev server/,
        );
      } finally {
        client.destroy();
        await child.stop();
      }
      // Stopped cleanly: the lock is released and the item kept.
      const again = await startDynamoProcess({ dataDir, log: () => undefined });
      const c2 = clientFor(again.endpoint);
      try {
        const { Item } = await c2.send(new GetItemCommand({ TableName: 'parley', Key: key }));
        expect(Item).toEqual(key);
      } finally {
        c2.destroy();
        await again.stop();
      }
    },
    TIMEOUT,
  );
});
