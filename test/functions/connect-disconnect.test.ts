import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeConnectHandler } from '../../functions/connect.js';
import { joinRoom } from '../../functions/core/actions/join-room.js';
import { StoreUnavailableError } from '../../functions/core/errors.js';
import { makeDisconnectHandler } from '../../functions/disconnect.js';
import { logger } from '../../functions/runtime/logger.js';
import type { WebSocketHandler } from '../../functions/shared/apigw-events.js';
import {
  CONNECTED_AT,
  connectEvent,
  disconnectEvent,
  lambdaContext,
  newConnectionId,
} from '../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld } from '../support/fakes.js';

let world: FakeWorld;
let connect: WebSocketHandler;
let disconnect: WebSocketHandler;

beforeEach(() => {
  world = fakeWorld();
  connect = makeConnectHandler(fakeWiring(world));
  disconnect = makeDisconnectHandler(fakeWiring(world));
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('$connect', () => {
  it('records the connection with the user the authorizer bound', async () => {
    const connectionId = newConnectionId();
    const result = await connect(connectEvent({ connectionId, userId: 'alice' }), lambdaContext());
    expect(result).toEqual({ statusCode: 200 });
    expect(await world.connections.getConnection(connectionId)).toEqual({
      connectionId,
      userId: 'alice',
      connectedAt: CONNECTED_AT,
    });
    expect(world.sender.recipients()).toEqual([]);
  });

  it('refuses with 401 and stores nothing without an authorizer context', async () => {
    const connectionId = newConnectionId();
    const result = await connect(connectEvent({ connectionId, authorizer: null }), lambdaContext());
    expect(result).toEqual({ statusCode: 401 });
    expect(world.connections.connections.size).toBe(0);
  });

  it('refuses with 401 when the authorizer context has no usable userId', async () => {
    for (const authorizer of [{ principalId: 'x' }, { userId: '' }, { userId: 42 }]) {
      const result = await connect(connectEvent({ authorizer }), lambdaContext());
      expect(result).toEqual({ statusCode: 401 });
    }
    expect(world.connections.connections.size).toBe(0);
  });

  it("refuses with 429 past the user's cap on connections, recording nothing", async () => {
    world = fakeWorld({ maxConnectionsPerUser: 2 });
    connect = makeConnectHandler(fakeWiring(world));
    disconnect = makeDisconnectHandler(fakeWiring(world));
    const ids = [newConnectionId(), newConnectionId(), newConnectionId()];
    const open = (connectionId: string, userId = 'alice') =>
      connect(connectEvent({ connectionId, userId }), lambdaContext());
    expect(await open(ids[0]!)).toEqual({ statusCode: 200 });
    expect(await open(ids[1]!)).toEqual({ statusCode: 200 });
    expect(await open(ids[2]!)).toEqual({ statusCode: 429 });
    expect(await world.connections.getConnection(ids[2]!)).toBeUndefined();
    // Another user's count is their own.
    expect(await open(newConnectionId(), 'bob')).toEqual({ statusCode: 200 });
    // A closed connection frees its place.
    await disconnect(disconnectEvent({ connectionId: ids[0]! }), lambdaContext());
    expect(await open(ids[2]!)).toEqual({ statusCode: 200 });
  });

  it('answers 503 when the connection store is unavailable', async () => {
    vi.spyOn(world.connections, 'putConnection').mockRejectedValue(
      new StoreUnavailableError('DynamoDB'),
    );
    expect(await connect(connectEvent(), lambdaContext())).toEqual({ statusCode: 503 });
  });

  it('answers 500 on any other failure', async () => {
    vi.spyOn(world.connections, 'putConnection').mockRejectedValue(new Error('boom'));
    expect(await connect(connectEvent(), lambdaContext())).toEqual({ statusCode: 500 });
    expect(logger.error).toHaveBeenCalled();
  });
});

describe('$disconnect', () => {
  it('removes the connection and tells its rooms the user went offline', async () => {
    const a1 = newConnectionId();
    const b1 = newConnectionId();
    await connect(connectEvent({ connectionId: a1, userId: 'alice' }), lambdaContext());
    await connect(connectEvent({ connectionId: b1, userId: 'bob' }), lambdaContext());
    const noReply = async () => undefined;
    await joinRoom(world.deps, { connectionId: a1, userId: 'alice' }, { roomId: 'lobby' }, noReply);
    await joinRoom(world.deps, { connectionId: b1, userId: 'bob' }, { roomId: 'lobby' }, noReply);
    world.sender.clear();

    const result = await disconnect(disconnectEvent({ connectionId: b1 }), lambdaContext());
    expect(result).toEqual({ statusCode: 200 });
    expect(await world.connections.getConnection(b1)).toBeUndefined();
    expect(await world.connections.isInRoom('lobby', b1)).toBe(false);
    expect(await world.cache.isInRoom('lobby', b1)).toBe(false);
    expect(world.sender.framesTo(a1)).toEqual([
      {
        type: 'presence',
        roomId: 'lobby',
        userId: 'bob',
        status: 'offline',
        lastSeen: expect.any(String),
      },
    ]);
  });

  it('answers 200 for a connection it never saw', async () => {
    expect(await disconnect(disconnectEvent(), lambdaContext())).toEqual({ statusCode: 200 });
  });

  it('answers 200 and logs when the clean-up fails', async () => {
    vi.spyOn(world.connections, 'deleteConnection').mockRejectedValue(
      new StoreUnavailableError('DynamoDB'),
    );
    expect(await disconnect(disconnectEvent(), lambdaContext())).toEqual({ statusCode: 200 });
    expect(logger.error).toHaveBeenCalledTimes(1);
  });
});
