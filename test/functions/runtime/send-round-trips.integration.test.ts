/**
 * A send costs at most two Redis round trips, rate limit included: the limiter's take and
 * the audience read leave together, then the window append. Through the real shell, on the
 * real Redis adapters sharing one client with the handlers' settings (auto-pipelining).
 *
 * How it counts: ioredis's auto-pipelining collects every command issued in one turn of
 * the event loop and writes them to the socket in one `write` after it (setImmediate), and
 * a command that needs an earlier reply cannot be issued before that reply arrived, in a
 * later turn. So the socket writes during one send are its round trips. The test counts
 * `write` calls on the client's socket, and (to show what shared them) the scripts sent.
 * No timing is involved.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ServerFrame } from '../../../functions/core/server-frames.js';
import { makeJoinRoomHandler } from '../../../functions/join-room.js';
import { logger } from '../../../functions/runtime/logger.js';
import { makeSendMessageHandler } from '../../../functions/send-message.js';
import { REDIS_CLIENT_OPTIONS } from '../../../functions/stores/redis/client-options.js';
import { firstConnection } from '../../../functions/stores/redis/first-connection.js';
import { RedisRateLimiter } from '../../../functions/stores/redis/rate-limiter.js';
import { RedisRoomCache } from '../../../functions/stores/redis/room-cache.js';
import { lambdaContext, messageEvent, newConnectionId } from '../../support/events.js';
import { fakeWiring, fakeWorld } from '../../support/fakes.js';
import { deleteKeysUnder, testRedisUrl, uid } from '../../support/services.js';

const prefix = `${uid('test')}:`;
const redis = new Redis(testRedisUrl(), REDIS_CLIENT_OPTIONS);

beforeAll(async () => {
  expect(await firstConnection(redis, 5_000)).toBe(true);
});
afterAll(async () => {
  await deleteKeysUnder(redis, prefix);
  redis.disconnect();
});

describe('the send path on Redis', () => {
  it('takes two round trips: the rate limit and the audience read together, then the append', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const world = fakeWorld();
    world.deps.cache = new RedisRoomCache(redis, { keyPrefix: prefix });
    world.deps.limiter = new RedisRateLimiter(redis, { keyPrefix: prefix });
    const wiring = fakeWiring(world);
    const join = makeJoinRoomHandler(wiring);
    const send = makeSendMessageHandler(wiring);
    const room = uid('room');
    const connectionId = newConnectionId();
    const on = (routeKey: string) => ({ connectionId, routeKey, userId: 'alice' });
    await join(
      messageEvent({ action: 'join_room', roomId: room }, on('join_room')),
      lambdaContext(),
    );
    const say = (content: string) =>
      send(
        messageEvent({ action: 'send_message', roomId: room, content }, on('send_message')),
        lambdaContext(),
      );
    // A first send loads the scripts (a NOSCRIPT costs a round trip once per server).
    await say('warm-up');

    const stream = redis.stream as { write: (...args: unknown[]) => boolean };
    const write = vi.spyOn(stream, 'write');
    const evalsha = vi.spyOn(redis, 'evalsha');
    try {
      await say('counted');
      // Three scripts (take, read, append) in two writes.
      expect(evalsha).toHaveBeenCalledTimes(3);
      expect(write).toHaveBeenCalledTimes(2);
    } finally {
      write.mockRestore();
      evalsha.mockRestore();
    }
    const acks = world.sender.framesTo(connectionId).filter((f: ServerFrame) => f.type === 'ack');
    expect(acks).toHaveLength(2);
  });
});
