/**
 * The erase-user Lambda's wiring: the record is the suite's PostgreSQL, the rest the
 * runtime's stores (fakes here, held to the same contracts), so that what it erases
 * beside the record is what the runtime gives it. The erasure itself is tested in
 * stores/postgres/retention.integration.test.ts.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { thumbnailKey, uploadKey } from '../../functions/core/files.js';
import { makeEraseUserHandler } from '../../functions/erase-user.js';
import { logger } from '../../functions/runtime/logger.js';
import { PostgresMessageStore } from '../../functions/stores/postgres/message-store.js';
import { PostgresRoomStore } from '../../functions/stores/postgres/room-store.js';
import { fakeWiring, fakeWorld } from '../support/fakes.js';
import { testPool, uid } from '../support/services.js';

const pool = testPool();
afterAll(() => pool.end());
afterEach(() => vi.restoreAllMocks());

const context = { getRemainingTimeInMillis: () => 900_000 };

describe('erase-user Lambda', () => {
  it("erases the user from the record and the runtime's connections table and cache", async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const world = fakeWorld();
    const runtime = { ...(await fakeWiring(world).runtime()), pool };
    const handler = makeEraseUserHandler({ runtime: async () => runtime });
    const [gone, other, roomId] = [uid('gone'), uid('u'), uid()];
    await new PostgresRoomStore(pool).createRoom({
      roomId,
      visibility: 'public',
      encrypted: false,
      createdBy: gone,
    });
    await new PostgresMessageStore(pool).appendMessage({ roomId, userId: gone, content: 'hi' });
    for (const userId of [gone, other]) {
      await world.connections.putStatus(userId, { status: 'away', text: 'out' });
      await world.presence.putStatus(userId, { status: 'away', text: 'out' });
    }
    await world.connections.putLastSeen(gone, 1_000);

    const report = await handler({ userId: gone, actorId: 'ops' }, context);
    expect(report).toMatchObject({ done: true, messagesErased: 1, rooms: [roomId] });
    expect([...(await world.connections.userStates([gone, other])).keys()]).toEqual([other]);
    expect(await world.presence.statuses([gone, other])).toEqual([
      undefined,
      { status: 'away', text: 'out' },
    ]);
    // A second invocation finds nothing left and still succeeds.
    expect(await handler({ userId: gone }, context)).toMatchObject({
      done: true,
      messagesErased: 0,
    });
  });

  it("deletes their attachments' objects from the runtime's bucket, and says when it has none", async () => {
    vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const world = fakeWorld();
    const [gone, roomId] = [uid('gone'), uid()];
    await new PostgresRoomStore(pool).createRoom({
      roomId,
      visibility: 'public',
      encrypted: false,
      createdBy: gone,
    });
    const image = {
      id: world.files.newUploadId(),
      fileName: 'a.png',
      contentType: 'image/png',
      size: 1,
    };
    const keys = [
      uploadKey(roomId, image.id),
      thumbnailKey(roomId, image.id),
      uploadKey(roomId, 'kept'),
    ];
    for (const key of keys) {
      world.files.objects.set(key, { bytes: new Uint8Array(1), size: 1, contentType: 'image/png' });
    }
    await new PostgresMessageStore(pool).appendMessage({
      roomId,
      userId: gone,
      content: '',
      attachments: [image],
    });
    const runtime = { ...(await fakeWiring(world).runtime()), pool };
    const report = await makeEraseUserHandler({ runtime: async () => runtime })(
      { userId: gone },
      context,
    );
    expect(report).toMatchObject({ done: true, attachmentsErased: 1, objectsDeleted: 2 });
    expect([...world.files.objects.keys()]).toEqual([uploadKey(roomId, 'kept')]);
    expect(warn).not.toHaveBeenCalled();

    // Without object storage the record is erased all the same, and the log says so.
    const { files: _files, ...bare } = runtime;
    const other = uid('gone');
    await new PostgresMessageStore(pool).joinRoom(roomId, other);
    await new PostgresMessageStore(pool).appendMessage({
      roomId,
      userId: other,
      content: '',
      attachments: [{ ...image, id: 'kept' }],
    });
    const second = await makeEraseUserHandler({ runtime: async () => bare })(
      { userId: other },
      context,
    );
    expect(second).toMatchObject({
      done: true,
      messagesErased: 1,
      attachmentsErased: 1,
      objectsDeleted: 0,
    });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no object storage'), {
      userId: other,
    });
    expect([...world.files.objects.keys()]).toEqual([uploadKey(roomId, 'kept')]);
  });

  it('rejects a payload without a user id', async () => {
    const world = fakeWorld();
    const handler = makeEraseUserHandler(fakeWiring(world));
    await expect(handler({ actorId: 'ops' }, context)).rejects.toThrow(/bad payload/);
  });
});
