import { describe, expect, it, vi } from 'vitest';
import { makePresenceHandler } from '../../../functions/presence.js';
import { logger } from '../../../functions/runtime/logger.js';
import { lambdaContext, messageEvent } from '../../support/events.js';
import { fakeWiring } from '../../support/fakes.js';
import { filledRoom, spyOnWrites, storeWorkServices } from '../../support/store-work.js';

const services = storeWorkServices('typing');

/** Statements, Redis writes and posts of one relayed `typing` frame, once warm. */
async function oneTyping(size: number) {
  const { world, counted } = services.world();
  const handler = makePresenceHandler(fakeWiring(world));
  const { roomId, first } = await filledRoom(world, size);
  const typer = first;
  const frame = (state: string) =>
    handler(messageEvent({ action: 'typing', roomId, state }, typer), lambdaContext());
  await frame('start'); // warm: the room cached, the scripts loaded
  await frame('stop');
  world.sender.clear();
  const write = spyOnWrites(services.redis);
  counted.reset();
  try {
    await frame('start');
    return {
      statements: counted.count(),
      redisRoundTrips: write.mock.calls.length,
      posts: world.sender.recipients().length,
    };
  } finally {
    write.mockRestore();
  }
}

describe('the store work of one typing frame', () => {
  it('is one Redis round trip and no PostgreSQL statement, in a room of 2 or of 100', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(await oneTyping(2)).toEqual({ statements: 0, redisRoundTrips: 1, posts: 1 });
    expect(await oneTyping(100)).toEqual({ statements: 0, redisRoundTrips: 1, posts: 99 });
  });
});
