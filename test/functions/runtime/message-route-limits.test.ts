/**
 * The message-route shell charges every request to the caller's rate limits before the
 * action may write: the fake world's limiter is the in-memory one (real buckets), with the
 * limits each test sets small. No test depends on time passing: every bucket here refills
 * at 1 token a second at most, and none is asked to refill.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatLimits } from '../../../functions/core/limits.js';
import type { RateDecision } from '../../../functions/core/ports.js';
import type { ServerFrame } from '../../../functions/core/server-frames.js';
import { makeGetHistoryHandler } from '../../../functions/get-history.js';
import { makeJoinRoomHandler } from '../../../functions/join-room.js';
import { makeLeaveRoomHandler } from '../../../functions/leave-room.js';
import { logger } from '../../../functions/runtime/logger.js';
import { makeSendMessageHandler } from '../../../functions/send-message.js';
import type { WebSocketHandler } from '../../../functions/shared/apigw-events.js';
import { lambdaContext, messageEvent, newConnectionId } from '../../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld } from '../../support/fakes.js';

/** Big enough never to refuse: a test lowers only the buckets it is about. */
const ROOMY = 1000;
const ROOMY_LIMITS: Partial<ChatLimits> = {
  frameRatePerUser: 1,
  frameBurstPerUser: ROOMY,
  frameRatePerConnection: 1,
  frameBurstPerConnection: ROOMY,
  sendRatePerUser: 1,
  sendBurstPerUser: ROOMY,
  sendRatePerConnection: 1,
  sendBurstPerConnection: ROOMY,
  joinRatePerUser: 1,
  joinBurstPerUser: ROOMY,
  joinRatePerConnection: 1,
  joinBurstPerConnection: ROOMY,
};

let world: FakeWorld;
let handlers: Record<string, WebSocketHandler>;

function setUp(limits: Partial<ChatLimits>) {
  world = fakeWorld({ ...ROOMY_LIMITS, ...limits });
  const wiring = fakeWiring(world);
  handlers = {
    join_room: makeJoinRoomHandler(wiring),
    leave_room: makeLeaveRoomHandler(wiring),
    send_message: makeSendMessageHandler(wiring),
    get_history: makeGetHistoryHandler(wiring),
  };
}

beforeEach(() => {
  setUp({});
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface Client {
  connectionId: string;
  userId: string;
  send(frame: Record<string, unknown>): Promise<ServerFrame[]>;
}

async function client(userId: string): Promise<Client> {
  const connectionId = newConnectionId();
  await world.connections.putConnection({ connectionId, userId, connectedAt: 1 });
  return {
    connectionId,
    userId,
    async send(frame) {
      const routeKey = String(frame.action);
      const handler = handlers[routeKey];
      if (!handler) throw new Error(`no handler for ${routeKey}`);
      const before = world.sender.framesTo(connectionId).length;
      await handler(messageEvent(frame, { connectionId, routeKey, userId }), lambdaContext());
      return world.sender.framesTo(connectionId).slice(before);
    },
  };
}

const say = (roomId: string, content = 'hi') => ({ action: 'send_message', roomId, content });

function errorOf(frames: ServerFrame[]) {
  const [frame] = frames;
  if (frames.length !== 1 || frame?.type !== 'error') {
    throw new Error(`expected one error frame, got ${JSON.stringify(frames)}`);
  }
  return frame;
}

describe('send_message rate limits', () => {
  it('answers a send past the connection burst rate_limited, with retryAfterMs, storing nothing', async () => {
    setUp({ sendBurstPerConnection: 2 });
    const alice = await client('alice');
    await alice.send({ action: 'join_room', roomId: 'r' });
    expect((await alice.send(say('r')))[0]?.type).toBe('ack');
    expect((await alice.send(say('r')))[0]?.type).toBe('ack');
    const append = vi.spyOn(world.messages, 'appendMessage');
    const refused = errorOf(await alice.send({ ...say('r'), requestId: 'x' }));
    expect(refused).toMatchObject({ code: 'rate_limited', requestId: 'x' });
    // One token at 1 a second: the wait is positive and at most a second.
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1000);
    expect(refused.message).toMatch(/send_message/);
    expect(append).not.toHaveBeenCalled();
    expect((await world.messages.latest('r', 10)).lastSeq).toBe(2);
  });

  it("counts a user's connections together in the user bucket", async () => {
    setUp({ sendBurstPerUser: 3 });
    const [phone, laptop] = [await client('alice'), await client('alice')];
    for (const c of [phone, laptop]) await c.send({ action: 'join_room', roomId: 'r' });
    expect((await phone.send(say('r')))[0]?.type).toBe('ack');
    expect((await laptop.send(say('r')))[0]?.type).toBe('ack');
    expect((await phone.send(say('r')))[0]?.type).toBe('ack');
    expect(errorOf(await laptop.send(say('r'))).code).toBe('rate_limited');
  });

  it("does not slow anyone else: another user's sends go through while one is refused", async () => {
    setUp({ sendBurstPerUser: 2 });
    const [mallory, bob] = [await client('mallory'), await client('bob')];
    for (const c of [mallory, bob]) await c.send({ action: 'join_room', roomId: 'r' });
    for (let i = 0; i < 5; i++) await mallory.send(say('r', 'spam'));
    expect(errorOf(await mallory.send(say('r'))).code).toBe('rate_limited');
    expect((await bob.send(say('r', 'still here')))[0]?.type).toBe('ack');
    const { messages } = await world.messages.latest('r', 10);
    expect(messages.map((m) => m.userId)).toEqual(['mallory', 'mallory', 'bob']);
  });

  it("issues the limiter's take beside the first cache read, and refuses before storing", async () => {
    const alice = await client('alice');
    await alice.send({ action: 'join_room', roomId: 'r' });
    let answer: (decision: RateDecision) => void = () => {};
    vi.spyOn(world.limiter, 'take').mockImplementation(
      () => new Promise<RateDecision>((resolve) => (answer = resolve)),
    );
    const read = vi.spyOn(world.cache, 'roomConnections');
    const append = vi.spyOn(world.messages, 'appendMessage');
    const pending = alice.send(say('r'));
    // The take is still unanswered, yet the audience read has been issued: the two travel
    // together (one round trip on Redis, with auto-pipelining).
    await vi.waitFor(() => expect(read).toHaveBeenCalled());
    expect(world.limiter.take).toHaveBeenCalledTimes(1);
    expect(append).not.toHaveBeenCalled();
    answer({ ok: false, retryAfterMs: 1234 });
    expect(errorOf(await pending)).toMatchObject({ code: 'rate_limited', retryAfterMs: 1234 });
    expect(append).not.toHaveBeenCalled();
  });
});

describe('join and frame rate limits', () => {
  it('charges joins to the join buckets, and leaves only to the frame buckets', async () => {
    setUp({ joinBurstPerConnection: 2 });
    const alice = await client('alice');
    expect((await alice.send({ action: 'join_room', roomId: 'a' }))[0]?.type).toBe('room_history');
    expect((await alice.send({ action: 'join_room', roomId: 'b' }))[0]?.type).toBe('room_history');
    const join = vi.spyOn(world.messages, 'joinRoom');
    expect(errorOf(await alice.send({ action: 'join_room', roomId: 'c' })).code).toBe(
      'rate_limited',
    );
    // A refusal reads no PostgreSQL.
    expect(join).not.toHaveBeenCalled();
    expect((await alice.send({ action: 'leave_room', roomId: 'a' }))[0]?.type).toBe('left');
    expect((await alice.send(say('b')))[0]?.type).toBe('ack');
  });

  it('charges every action to the frame buckets', async () => {
    setUp({ frameBurstPerConnection: 3 });
    const alice = await client('alice');
    await alice.send({ action: 'join_room', roomId: 'r' });
    await alice.send(say('r'));
    expect((await alice.send({ action: 'get_history', roomId: 'r' }))[0]?.type).toBe(
      'room_history',
    );
    expect(errorOf(await alice.send({ action: 'get_history', roomId: 'r' })).code).toBe(
      'rate_limited',
    );
    // Another connection of the same user has a bucket of its own.
    const other = await client('alice');
    expect((await other.send({ action: 'join_room', roomId: 'r' }))[0]?.type).toBe('room_history');
  });
});

describe('when the limiter fails', () => {
  it('fails open: the send goes through and a warning is logged', async () => {
    setUp({ sendBurstPerConnection: 1 });
    const alice = await client('alice');
    await alice.send({ action: 'join_room', roomId: 'r' });
    vi.spyOn(world.limiter, 'take').mockRejectedValue(new Error('Redis is down'));
    for (let i = 0; i < 3; i++) expect((await alice.send(say('r')))[0]?.type).toBe('ack');
    expect(world.log.entries).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringMatching(/rate limiter/) }),
    );
  });

  it('fails open for joins too', async () => {
    const alice = await client('alice');
    vi.spyOn(world.limiter, 'take').mockRejectedValue(new Error('Redis is down'));
    expect((await alice.send({ action: 'join_room', roomId: 'r' }))[0]?.type).toBe('room_history');
  });
});
