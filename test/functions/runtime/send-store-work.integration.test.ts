import { describe, expect, it, vi } from 'vitest';
import { logger } from '../../../functions/runtime/logger.js';
import { makeSendMessageHandler } from '../../../functions/send-message.js';
import { lambdaContext, messageEvent } from '../../support/events.js';
import { fakeWiring } from '../../support/fakes.js';
import { filledRoom, spyOnWrites, storeWorkServices } from '../../support/store-work.js';

const services = storeWorkServices('work');

/** Statements and Redis writes of one send in a room of `size` connections, once warm. */
async function oneSend(size: number) {
  const { world, counted } = services.world();
  const send = makeSendMessageHandler(fakeWiring(world));
  const { roomId, first } = await filledRoom(world, size);
  const sender = first;
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

  const write = spyOnWrites(services.redis);
  counted.reset();
  try {
    await say('counted');
    return { statements: counted.count(), redisRoundTrips: write.mock.calls.length };
  } finally {
    write.mockRestore();
    const acks = world.sender.framesTo(sender.connectionId).filter((f) => f.type === 'ack');
    expect(acks).toHaveLength(2);
  }
}

describe('the store work of one send', () => {
  it('is one PostgreSQL statement and two Redis round trips, in a room of 10 or of 1,000', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const small = await oneSend(10);
    const large = await oneSend(1_000);
    expect(small).toEqual({ statements: 1, redisRoundTrips: 2 });
    expect(large).toEqual(small);
  });
});
