/**
 * What one send costs the stores, with every check on (the rate limit's take, membership,
 * bans and mutes in the send statement): one PostgreSQL statement and at most two Redis
 * round trips, the same in a room of 10 connections and of 1,000. Through the real shell
 * (makeSendMessageHandler) on real PostgreSQL and Redis adapters; the connections table is
 * the fake one, as a warm send reads its audience from Redis alone. How it counts:
 * test/support/store-work.ts (the store-work scenario reports with the same counting pool).
 */
import { describe, expect, it, vi } from 'vitest';
import { logger } from '../../../functions/runtime/logger.js';
import { makeSendMessageHandler } from '../../../functions/send-message.js';
import { lambdaContext, messageEvent } from '../../support/events.js';
import { fakeWiring } from '../../support/fakes.js';
import { testRedisUrl } from '../../support/services.js';
import { filledRoom, storeWorkWorlds } from '../../support/store-work.js';

const worlds = storeWorkWorlds(testRedisUrl());

/** Statements and Redis writes of one send in a room of `size` connections, once warm. */
async function oneSend(size: number, compactEveryOther = false) {
  const { world, count } = worlds();
  const send = makeSendMessageHandler(fakeWiring(world));
  const { roomId, first: sender, members } = await filledRoom(world, size, { compactEveryOther });
  const say = (content: string) =>
    send(
      messageEvent(
        { action: 'send_message', roomId, content },
        { ...sender, routeKey: 'send_message' },
      ),
      lambdaContext(),
    );
  // Warm: the room's connections cached, the scripts loaded (a NOSCRIPT costs once).
  await say('warm-up');
  const work = await count(() => say('counted'));
  const acks = world.sender.framesTo(sender.connectionId).filter((f) => f.type === 'ack');
  expect(acks).toHaveLength(2);
  if (compactEveryOther) {
    await world.queue.drain(world.deps); // a big room's deliveries wait in the queue
    const toCompact = world.sender.sent.get(members[1]?.connectionId ?? '') ?? [];
    const frames = toCompact.map((f) => JSON.parse(f) as Record<string, unknown>);
    expect(frames.filter((f) => f.t === 'm')).toHaveLength(2);
    expect(frames.filter((f) => 'type' in f)).toEqual([]);
  }
  return work;
}

describe('the store work of one send', () => {
  it('is one PostgreSQL statement and two Redis round trips, in a room of 10 or of 1,000, of one format or two', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const small = await oneSend(10);
    const large = await oneSend(1_000);
    expect(small).toEqual({ statements: 1, redisRoundTrips: 2 });
    expect(large).toEqual(small);
    // Half the room reading compact frames: the same work (the format rides in the cache).
    expect(await oneSend(1_000, true)).toEqual(small);
  });
});
