/**
 * `?format=compact` through the handlers: the authorizer binds the format to the
 * connection, $connect records it, replies use the caller's format and events each
 * recipient's, whatever format their sender reads.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signDevToken } from '../../functions/auth/sign-token.js';
import { loadVerifier, makeAuthorizerHandler } from '../../functions/authorizer.js';
import { makeConnectHandler } from '../../functions/connect.js';
import type { Caller } from '../../functions/core/message.js';
import { makeJoinRoomHandler } from '../../functions/join-room.js';
import { makePresenceHandler } from '../../functions/presence.js';
import { callerResolver } from '../../functions/runtime/caller.js';
import { logger } from '../../functions/runtime/logger.js';
import { makeSendMessageHandler } from '../../functions/send-message.js';
import { decodeCompact } from '../../protocol/compact-codec.js';
import {
  authorizerEvent,
  CONNECTED_AT,
  connectEvent,
  lambdaContext,
  messageEvent,
} from '../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld } from '../support/fakes.js';

const SECRET = 'test-secret-for-the-authorizer-0123456789';

let world: FakeWorld;

beforeEach(() => {
  world = fakeWorld();
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Raw frames a connection received, parsed but not decoded. */
const rawFrames = (connectionId: string) =>
  (world.sender.sent.get(connectionId) ?? []).map((f) => JSON.parse(f) as Record<string, unknown>);

async function call(caller: Caller, frame: Record<string, unknown>): Promise<void> {
  const wiring = fakeWiring(world);
  const handler =
    frame.action === 'join_room'
      ? makeJoinRoomHandler(wiring)
      : frame.action === 'send_message'
        ? makeSendMessageHandler(wiring)
        : makePresenceHandler(wiring);
  expect(await handler(messageEvent(frame, caller), lambdaContext())).toEqual({ statusCode: 200 });
}

describe('the authorizer', () => {
  const handler = makeAuthorizerHandler({ verifier: () => loadVerifier({ JWT_SECRET: SECRET }) });

  it('binds `format: compact` to a connection that asked for it', async () => {
    const token = await signDevToken(SECRET, 'alice');
    const result = await handler(authorizerEvent(token, { format: 'compact' }), lambdaContext());
    expect(result.context).toEqual({ userId: 'alice', format: 'compact' });
  });

  it.each([undefined, 'long', 'msgpack'])('binds no format for format=%s', async (format) => {
    const token = await signDevToken(SECRET, 'alice');
    const more: Record<string, string> = format === undefined ? {} : { format };
    const result = await handler(authorizerEvent(token, more), lambdaContext());
    expect(result.context).toEqual({ userId: 'alice' });
  });
});

describe('$connect', () => {
  it('records the format the handshake asked for', async () => {
    const connect = makeConnectHandler(fakeWiring(world));
    await connect(
      connectEvent({ connectionId: 'k1', userId: 'kim', format: 'compact' }),
      lambdaContext(),
    );
    await connect(connectEvent({ connectionId: 'l1', userId: 'lee' }), lambdaContext());
    expect(await world.connections.getConnection('k1')).toEqual({
      connectionId: 'k1',
      userId: 'kim',
      connectedAt: CONNECTED_AT,
      format: 'compact',
    });
    expect((await world.connections.getConnection('l1'))?.format).toBeUndefined();
  });
});

describe('the caller', () => {
  it('carries the format from the authorizer context, else from the connection record', async () => {
    const resolve = callerResolver();
    const event = messageEvent(
      { action: 'ping' },
      { connectionId: 'k1', userId: 'kim', format: 'compact' },
    );
    expect(await resolve(world.deps, event)).toEqual({
      connectionId: 'k1',
      userId: 'kim',
      format: 'compact',
    });
    await world.connections.putConnection({
      connectionId: 'k2',
      userId: 'kim',
      connectedAt: 1,
      format: 'compact',
    });
    const bare = messageEvent({ action: 'ping' }, { connectionId: 'k2', authorizer: null });
    expect(await resolve(world.deps, bare)).toMatchObject({ userId: 'kim', format: 'compact' });
  });
});

describe('replies and events', () => {
  const kim: Caller = { connectionId: 'k1', userId: 'kim', format: 'compact' };
  const lee: Caller = { connectionId: 'l1', userId: 'lee' };

  it('answers the caller in its format and tells each member in theirs', async () => {
    await call(kim, { action: 'join_room', roomId: 'lobby' });
    await call(lee, { action: 'join_room', roomId: 'lobby' });
    world.sender.clear();

    await call(kim, { action: 'send_message', roomId: 'lobby', content: 'hi', requestId: 'r1' });
    const [ack] = rawFrames('k1');
    expect(ack).toMatchObject({ t: 'a', q: 'r1', m: { c: 'hi', u: 'kim', r: 'lobby', s: 1 } });
    const [event] = rawFrames('l1');
    expect(event).toMatchObject({ type: 'new_message', message: { content: 'hi', userId: 'kim' } });

    world.sender.clear();
    await call(lee, { action: 'send_message', roomId: 'lobby', content: 'yo' });
    expect(rawFrames('l1')[0]).toMatchObject({ type: 'ack' });
    const [toKim] = rawFrames('k1');
    expect(toKim).toMatchObject({ t: 'm', m: { c: 'yo', u: 'lee' } });
    const leeAck = world.sender.framesOfType('l1', 'ack')[0];
    expect(decodeCompact(toKim!)).toEqual({ type: 'new_message', message: leeAck?.message });
  });

  it("answers an error in the caller's format", async () => {
    await call(kim, { action: 'send_message', roomId: 'nowhere', content: 'x', requestId: 'e1' });
    expect(rawFrames('k1')).toEqual([expect.objectContaining({ t: 'e', C: 'forbidden', q: 'e1' })]);
  });
});
