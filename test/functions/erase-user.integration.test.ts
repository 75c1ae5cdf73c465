/**
 * The erase-user Lambda's wiring: the record is the suite's PostgreSQL, the rest the
 * runtime's stores (fakes here, held to the same contracts), so that what it erases
 * beside the record is what the runtime gives it. The erasure itself is tested in
 * stores/postgres/retention.integration.test.ts.
 */
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
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

  it('rejects a payload without a user id', async () => {
    const world = fakeWorld();
    const handler = makeEraseUserHandler(fakeWiring(world));
    await expect(handler({ actorId: 'ops' }, context)).rejects.toThrow(/bad payload/);
  });
});
