/**
 * `npm run purge`, `erase-user` and `export-user` as an operator runs them: child
 * processes against the run's PostgreSQL, Redis and DynamoDB, checked by stdout, stderr, exit
 * code and what is left in the stores.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoConnectionStore } from '../../functions/stores/dynamodb/connection-store.js';
import { PostgresMessageStore } from '../../functions/stores/postgres/message-store.js';
import { PostgresRoomStore } from '../../functions/stores/postgres/room-store.js';
import { RedisPresenceCache } from '../../functions/stores/redis/presence-cache.js';
import {
  deleteKeysUnder,
  testDynamo,
  testPool,
  testRedis,
  testRedisUrl,
  uid,
} from '../support/services.js';

const run = promisify(execFile);
const pool = testPool();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-maint-'));
});
afterAll(async () => {
  await pool.end();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  ...process.env,
  DATABASE_URL: inject('databaseUrl'),
  REDIS_URL: testRedisUrl(),
});

async function cli(
  script: string,
  args: string[],
  extraEnv: Record<string, string | undefined> = {},
) {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', `local/${script}`, ...args], {
      env: { ...env(), ...extraEnv },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('maintenance commands', () => {
  it('purge prints the rooms it purged and where their history starts', async () => {
    const roomId = uid();
    const owner = uid('u');
    const rooms = new PostgresRoomStore(pool);
    const messages = new PostgresMessageStore(pool);
    await rooms.createRoom({ roomId, visibility: 'public', encrypted: false, createdBy: owner });
    for (let i = 0; i < 3; i++)
      await messages.appendMessage({ roomId, userId: owner, content: 'x' });
    await pool.query(
      `UPDATE messages SET created_at = now() - interval '3 days' WHERE room_id = $1 AND seq <= 2`,
      [roomId],
    );
    await rooms.updateRoom(roomId, owner, { retentionDays: 1 });
    const result = await cli('purge-cli.ts', []);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${roomId}: deleted 2, history now starts at seq 3`);
    expect(result.stdout).toMatch(
      /^purged \d+ message\(s\) in \d+ of \d+ room\(s\) with retention$/m,
    );
  });

  it('erase-user and export-user report what they did', async () => {
    const user = uid('gone');
    const roomId = uid();
    await new PostgresRoomStore(pool).createRoom({
      roomId,
      visibility: 'public',
      encrypted: false,
      createdBy: user,
    });
    await new PostgresMessageStore(pool).appendMessage({ roomId, userId: user, content: 'hi' });
    // Their status item and its cached copy, where the command is told to look.
    const dynamo = testDynamo();
    const redis = testRedis();
    const keyPrefix = `${uid('maint')}:`;
    const connections = new DynamoConnectionStore(dynamo, inject('connectionsTable'));
    const presence = new RedisPresenceCache(redis, { keyPrefix });
    await connections.putStatus(user, { status: 'dnd', text: 'gone soon' });
    await connections.putLastSeen(user, 1_000);
    await presence.putStatus(user, { status: 'dnd', text: 'gone soon' });
    const stores = {
      DYNAMODB_ENDPOINT: inject('dynamoEndpoint'),
      CONNECTIONS_TABLE: inject('connectionsTable'),
      REDIS_KEY_PREFIX: keyPrefix,
    };

    const file = path.join(dir, 'export.json');
    const exported = await cli('export-user-cli.ts', [user, '--out', file]);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toContain(`exported ${user}: 1 membership(s), 1 message(s)`);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    expect(doc.messages).toEqual([expect.objectContaining({ roomId, seq: 1, content: 'hi' })]);

    try {
      const erased = await cli('erase-user-cli.ts', [user, '--actor', 'ops'], stores);
      expect(erased.code).toBe(0);
      expect(erased.stdout).toContain(`${roomId}: left without an owner`);
      expect(erased.stdout).toContain(
        `erased ${user}: left 1 room(s), 1 message(s) made tombstones in 1 room(s)`,
      );
      expect(erased.stderr).not.toContain('note:');
      expect(await connections.userStates([user])).toEqual(new Map());
      expect(await presence.statuses([user])).toEqual([undefined]);

      // Again, without the table: nothing left to do, and a note that the item was not reached.
      const again = await cli('erase-user-cli.ts', [user], {
        ...stores,
        DYNAMODB_ENDPOINT: undefined,
        CONNECTIONS_TABLE: undefined,
      });
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`erased ${user}: left 0 room(s), 0 message(s)`);
      expect(again.stderr).toContain(`the status item (status, text, lastSeen) was not erased`);
      expect(again.stderr).toContain(`pk "user#${user}", sk "state"`);
    } finally {
      await deleteKeysUnder(redis, keyPrefix);
      redis.disconnect();
      dynamo.destroy();
    }
  });

  it('exits 2 with the usage on a usage error, 1 with one line on a failure', async () => {
    const usage = await cli('erase-user-cli.ts', []);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: npm run erase-user -- USER_ID');
    const help = await cli('export-user-cli.ts', ['--help']);
    expect(help).toMatchObject({ code: 0 });
    expect(help.stdout).toContain('usage: npm run export-user');
    const noDb = await cli('purge-cli.ts', [], { DATABASE_URL: '' });
    expect(noDb.code).toBe(2);
    const failed = await cli('purge-cli.ts', [], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(failed.code).toBe(1);
    expect(
      failed.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('error:')),
    ).toHaveLength(1);
  });
});
