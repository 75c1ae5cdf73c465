/**
 * What one mark_read costs the stores, with every check on (the rate limit's take, the
 * join check, membership and bans in the cursor statement), counted as the send's is
 * (send-store-work.integration.test.ts, test/support/store-work.ts). Through the real shell
 * (makeReadStateHandler) on real PostgreSQL and Redis adapters; the connections table is
 * the fake one, as a warm mark reads its audience from Redis alone. The figures are in
 * docs/decisions/2026-12-06-read-state.md.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ChatLimits } from '../../../functions/core/limits.js';
import { makeReadStateHandler } from '../../../functions/read-state.js';
import { logger } from '../../../functions/runtime/logger.js';
import { lambdaContext, messageEvent } from '../../support/events.js';
import { fakeWiring } from '../../support/fakes.js';
import { testRedisUrl } from '../../support/services.js';
import { filledRoom, storeWorkWorlds } from '../../support/store-work.js';

const worlds = storeWorkWorlds(testRedisUrl());

/** A room of 10 connections with 10 messages, one member's marks counted once warm. */
async function roomOfTen(limits: Partial<ChatLimits> = {}) {
  const { world, count } = worlds(limits);
  const handler = makeReadStateHandler(fakeWiring(world));
  const { roomId, members } = await filledRoom(world, 10);
  const writer = members[0]!;
  for (let i = 0; i < 10; i++) {
    await world.deps.messages.appendMessage({ roomId, userId: writer.userId, content: `m${i}` });
  }
  const reader = members[1]!;
  const mark = (seq: number) =>
    handler(
      messageEvent({ action: 'mark_read', roomId, seq }, { ...reader, routeKey: 'mark_read' }),
      lambdaContext(),
    );
  // Warm: the room's connections cached, the scripts loaded (a NOSCRIPT costs once).
  await mark(1);
  return { world, reader, writer, count: (seq: number) => count(() => mark(seq)) };
}

describe('the store work of one mark_read', () => {
  it('is one statement and two Redis round trips with a receipt, one without', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    // A throttle longer than the test: the warm-up's receipt holds back the counted one's,
    // whose claim costs the same round trip either way.
    const small = await roomOfTen({ receiptThrottleMs: 3_600_000 });
    // Moves the cursor; the receipt's throttle claim is the second round trip.
    expect(await small.count(5)).toEqual({ statements: 1, redisRoundTrips: 2 });
    // Does not move it: the answer, nothing more.
    expect(await small.count(3)).toEqual({ statements: 1, redisRoundTrips: 1 });
    const states = small.world.sender.framesOfType(small.reader.connectionId, 'read_state');
    expect(states.map((f) => f.readSeq)).toEqual([1, 5, 5]);
    expect(small.world.sender.framesOfType(small.writer.connectionId, 'read')).toEqual([
      { type: 'read', roomId: expect.any(String), userId: small.reader.userId, seq: 1 },
    ]);

    // Past receiptsMaxMembers no receipt is claimed: one round trip.
    const big = await roomOfTen({ receiptsMaxMembers: 5 });
    expect(await big.count(5)).toEqual({ statements: 1, redisRoundTrips: 1 });
    expect(big.world.sender.framesOfType(big.writer.connectionId, 'read')).toEqual([]);
  });
});
