/**
 * What one relayed `typing` frame costs the stores, counted as a send's is
 * (send-store-work.integration.test.ts, test/support/store-work.ts): no PostgreSQL
 * statement and one Redis round trip, in a room of 2 and of 100. The figures are in
 * docs/decisions/2026-12-06-typing-presence.md.
 */
import { describe, expect, it, vi } from 'vitest';
import { makePresenceHandler } from '../../../functions/presence.js';
import { logger } from '../../../functions/runtime/logger.js';
import { lambdaContext, messageEvent } from '../../support/events.js';
import { fakeWiring } from '../../support/fakes.js';
import { testRedisUrl } from '../../support/services.js';
import { filledRoom, storeWorkWorlds } from '../../support/store-work.js';

const worlds = storeWorkWorlds(testRedisUrl());

/** Statements, Redis round trips and posts of one relayed `typing` frame, once warm. */
async function oneTyping(size: number) {
  const { world, count } = worlds();
  const handler = makePresenceHandler(fakeWiring(world));
  const { roomId, first: typer } = await filledRoom(world, size);
  const frame = (state: string) =>
    handler(messageEvent({ action: 'typing', roomId, state }, typer), lambdaContext());
  await frame('start'); // warm: the room cached, the scripts loaded
  await frame('stop');
  world.sender.clear();
  const work = await count(() => frame('start'));
  return { ...work, posts: world.sender.recipients().length };
}

describe('the store work of one typing frame', () => {
  it('is one Redis round trip and no PostgreSQL statement, in a room of 2 or of 100', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(await oneTyping(2)).toEqual({ statements: 0, redisRoundTrips: 1, posts: 1 });
    expect(await oneTyping(100)).toEqual({ statements: 0, redisRoundTrips: 1, posts: 99 });
  });
});
