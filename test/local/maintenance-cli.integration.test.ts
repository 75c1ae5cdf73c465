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
import { attachmentObjectKeys } from '../../functions/core/files.js';
import type { StoredAttachment } from '../../functions/core/message.js';
import { createFileStore } from '../../functions/runtime/files.js';
import { DynamoConnectionStore } from '../../functions/stores/dynamodb/connection-store.js';
import { PostgresMessageStore } from '../../functions/stores/postgres/message-store.js';
import { PostgresRoomStore } from '../../functions/stores/postgres/room-store.js';
import { RedisPresenceCache } from '../../functions/stores/redis/presence-cache.js';
import type { S3FileStore } from '../../functions/stores/s3/file-store.js';
import { type LocalS3, startLocalS3 } from '../../local/s3/server.js';
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
const BUCKET = 'parley-maint-files';
let dir: string;
let s3: LocalS3;
let files: S3FileStore;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-maint-'));
  s3 = await startLocalS3({ dir: path.join(dir, 'objects'), bucket: BUCKET });
  files = createFileStore({
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: s3.endpoint,
    AWS_REGION: 'us-east-1',
  })!;
});
afterAll(async () => {
  await pool.end();
  await s3.close();
  await rm(dir, { recursive: true, force: true });
});
const s3Env = () => ({ S3_BUCKET: BUCKET, S3_ENDPOINT: s3.endpoint });

/** Stores `key` in the local S3 as a client's signed PUT does. */
async function putObject(key: string, roomId: string, uploaderId: string, contentType: string) {
  const bytes = new TextEncoder().encode(`bytes of ${key}`);
  const signed = await files.signUpload(
    { key, size: bytes.length, contentType, uploaderId, roomId, fileName: 'f' },
    60,
  );
  const response = await fetch(signed.url, {
    method: 'PUT',
    headers: signed.headers,
    body: Buffer.from(bytes),
  });
  expect(response.status).toBe(200);
}

/** A new public room that `owner` created. */
async function roomOf(owner: string): Promise<string> {
  const roomId = uid();
  await new PostgresRoomStore(pool).createRoom({
    roomId,
    visibility: 'public',
    encrypted: false,
    createdBy: owner,
  });
  return roomId;
}

/** A message of `userId` with one attachment of `contentType`, its objects stored. */
async function sendWithAttachment(roomId: string, userId: string, contentType: string) {
  const attachment: StoredAttachment = {
    id: files.newUploadId(),
    fileName: 'f',
    contentType,
    size: 1,
  };
  const keys = attachmentObjectKeys(roomId, attachment);
  for (const key of keys) await putObject(key, roomId, userId, contentType);
  await new PostgresMessageStore(pool).appendMessage({
    roomId,
    userId,
    content: '',
    attachments: [attachment],
  });
  return keys;
}

/** The HEAD status of each key on the local S3. */
const statuses = async (keys: string[]) =>
  Promise.all(keys.map(async (k) => ((await files.statUpload(k)) ? 200 : 404)));

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
      const erased = await cli('erase-user-cli.ts', [user, '--actor', 'ops'], {
        ...stores,
        ...s3Env(),
      });
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

  it("erase-user deletes the user's files from the bucket, and only theirs", async () => {
    const [user, other] = [uid('gone'), uid('u')];
    const roomId = await roomOf(other);
    await new PostgresMessageStore(pool).joinRoom(roomId, user);
    const pdf = await sendWithAttachment(roomId, user, 'application/pdf');
    const image = await sendWithAttachment(roomId, user, 'image/png');
    const others = await sendWithAttachment(roomId, other, 'image/png');
    expect(image).toHaveLength(2); // the upload and its thumbnail
    expect(await statuses([...pdf, ...image, ...others])).toEqual([200, 200, 200, 200, 200]);
    // Their export names the attachments (metadata; the bytes stay behind the links).
    const file = path.join(dir, `${user}.json`);
    expect((await cli('export-user-cli.ts', [user, '--out', file])).code).toBe(0);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    expect(doc.messages.map((m: { attachments: unknown }) => m.attachments)).toEqual([
      [{ id: expect.any(String), fileName: 'f', contentType: 'application/pdf', size: 1 }],
      [{ id: expect.any(String), fileName: 'f', contentType: 'image/png', size: 1 }],
    ]);

    const erased = await cli('erase-user-cli.ts', [user], s3Env());
    expect(erased.code).toBe(0);
    expect(erased.stdout).toContain('deleted 3 object(s) of 2 attachment(s)');
    expect(await statuses([...pdf, ...image])).toEqual([404, 404, 404]);
    expect(await statuses(others)).toEqual([200, 200]);
    const { rows } = await pool.query(
      'SELECT user_id, attachments FROM messages WHERE room_id = $1 ORDER BY seq',
      [roomId],
    );
    expect(rows.map((r) => r.attachments?.length ?? 0)).toEqual([0, 0, 1]);
  });

  it('erase-user without a bucket erases the record, keeps the files and says so', async () => {
    const user = uid('gone');
    const roomId = await roomOf(user);
    const keys = await sendWithAttachment(roomId, user, 'text/plain');
    const erased = await cli('erase-user-cli.ts', [user]);
    expect(erased.code).toBe(0);
    expect(erased.stderr).toContain('S3_BUCKET is not set, so the files attached');
    expect(erased.stderr).toContain('S3_ENDPOINT=http://127.0.0.1:3003 S3_BUCKET=parley-files');
    expect(erased.stdout).toContain(`erased ${user}: left 1 room(s), 1 message(s)`);
    expect(erased.stdout).toContain('kept the objects of 1 attachment(s): no S3_BUCKET');
    expect(await statuses(keys)).toEqual([200]);
    await files.deleteObjects(keys);
  });

  it('erase-user stops before the tombstones when the bucket cannot be reached', async () => {
    const user = uid('gone');
    const roomId = await roomOf(user);
    const keys = await sendWithAttachment(roomId, user, 'text/plain');
    const failed = await cli('erase-user-cli.ts', [user], {
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: 'http://127.0.0.1:1',
    });
    expect(failed.code).toBe(1);
    const message = async () =>
      (
        await pool.query('SELECT deleted_at, attachments FROM messages WHERE room_id = $1', [
          roomId,
        ])
      ).rows[0];
    // The message still names its attachment, so the rerun finds and deletes it.
    expect(await message()).toMatchObject({
      deleted_at: null,
      attachments: [{ id: expect.any(String) }],
    });
    const rerun = await cli('erase-user-cli.ts', [user], s3Env());
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('deleted 1 object(s) of 1 attachment(s)');
    expect(await statuses(keys)).toEqual([404]);
    expect(await message()).toMatchObject({ deleted_at: expect.any(Date), attachments: null });
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
