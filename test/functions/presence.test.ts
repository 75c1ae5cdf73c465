/**
 * The presence function (`typing`, `set_status`, `get_presence`, `ping`) through its
 * handler on the fakes, with joins through the join-room handler, so every frame is the
 * connection's heartbeat as on AWS. The clock is faked: the presence TTL and the typing
 * throttle are crossed by moving it, never by waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Caller } from '../../functions/core/message.js';
import type { ServerFrame } from '../../functions/core/server-frames.js';
import { makeJoinRoomHandler } from '../../functions/join-room.js';
import { makePresenceHandler } from '../../functions/presence.js';
import { logger } from '../../functions/runtime/logger.js';
import { lambdaContext, messageEvent } from '../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld } from '../support/fakes.js';

const T0 = Date.UTC(2026, 11, 6, 12);
const alice: Caller = { connectionId: 'a1', userId: 'alice' };
const bob: Caller = { connectionId: 'b1', userId: 'bob' };
const bobPhone: Caller = { connectionId: 'b2', userId: 'bob' };
const carol: Caller = { connectionId: 'c1', userId: 'carol' };

let world: FakeWorld;

function setUp(limits: Parameters<typeof fakeWorld>[0] = {}) {
  world = fakeWorld(limits);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(T0);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
  setUp();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Sends a frame from `caller` through its route's handler; the frames it got back. */
async function call(caller: Caller, frame: Record<string, unknown>): Promise<ServerFrame[]> {
  const wiring = fakeWiring(world);
  const handler =
    frame.action === 'join_room' ? makeJoinRoomHandler(wiring) : makePresenceHandler(wiring);
  const before = world.sender.framesTo(caller.connectionId).length;
  const event = messageEvent(frame, caller);
  expect(await handler(event, lambdaContext())).toEqual({ statusCode: 200 });
  return world.sender.framesTo(caller.connectionId).slice(before);
}

async function joinAll(roomId: string, ...callers: Caller[]) {
  for (const caller of callers) {
    await world.connections.putConnection({ ...caller, connectedAt: T0 });
    await call(caller, { action: 'join_room', roomId });
  }
  world.sender.clear();
}

const typing = (roomId: string, state: 'start' | 'stop') => ({ action: 'typing', roomId, state });

describe('typing', () => {
  it("relays to the room's other users, not to the typer's devices, and answers nothing", async () => {
    await joinAll('lobby', alice, bob, bobPhone, carol);
    expect(await call(bob, typing('lobby', 'start'))).toEqual([]);
    const frame = { type: 'typing', roomId: 'lobby', userId: 'bob', state: 'start' };
    expect(world.sender.framesTo('a1')).toEqual([frame]);
    expect(world.sender.framesTo('c1')).toEqual([frame]);
    expect(world.sender.framesTo('b2')).toEqual([]);
  });

  it('relays a start at most once per throttle period, and a stop once after it', async () => {
    await joinAll('lobby', alice, bob);
    await call(bob, typing('lobby', 'start'));
    vi.setSystemTime(T0 + 1999);
    await call(bob, typing('lobby', 'start'));
    expect(world.sender.framesOfType('a1', 'typing')).toHaveLength(1);
    vi.setSystemTime(T0 + 2000);
    await call(bob, typing('lobby', 'start'));
    await call(bob, typing('lobby', 'stop'));
    await call(bob, typing('lobby', 'stop'));
    expect(world.sender.framesOfType('a1', 'typing').map((f) => f.state)).toEqual([
      'start',
      'start',
      'stop',
    ]);
  });

  it('is refused in a room the connection has not joined, and stores nothing', async () => {
    await joinAll('lobby', alice);
    await world.connections.putConnection({ ...bob, connectedAt: T0 });
    expect(await call(bob, typing('lobby', 'start'))).toEqual([
      expect.objectContaining({ type: 'error', code: 'forbidden' }),
    ]);
    expect(world.sender.framesTo('a1')).toEqual([]);
  });

  it('is not relayed in a room above typingMaxMembers connections', async () => {
    setUp({ typingMaxMembers: 2 });
    await joinAll('big', alice, bob, carol);
    await call(bob, typing('big', 'start'));
    expect(world.sender.framesTo('a1')).toEqual([]);
  });

  it('relays when the throttle cannot answer (fails open)', async () => {
    await joinAll('lobby', alice, bob);
    vi.spyOn(world.presence, 'typing').mockRejectedValue(new Error('Redis down'));
    await call(bob, typing('lobby', 'start'));
    expect(world.sender.framesOfType('a1', 'typing')).toHaveLength(1);
  });
});

describe('set_status and get_presence', () => {
  it("answers status, and tells the user's rooms; get_presence lists it", async () => {
    await joinAll('lobby', alice, bob);
    await joinAll('den', bobPhone, carol);
    expect(await call(bob, { action: 'set_status', status: 'away', text: 'lunch' })).toEqual([
      { type: 'status', status: 'away', text: 'lunch' },
    ]);
    const away = { type: 'presence', userId: 'bob', status: 'away', text: 'lunch' };
    expect(world.sender.framesTo('a1')).toEqual([{ ...away, roomId: 'lobby' }]);
    // The user's other connection's rooms hear it too, and that connection itself.
    expect(world.sender.framesTo('c1')).toEqual([{ ...away, roomId: 'den' }]);
    expect(world.sender.framesTo('b2')).toEqual([{ ...away, roomId: 'den' }]);
    expect(await call(alice, { action: 'get_presence', roomId: 'lobby' })).toEqual([
      {
        type: 'presence_list',
        roomId: 'lobby',
        users: [
          { userId: 'alice', status: 'online' },
          { userId: 'bob', status: 'away', text: 'lunch' },
        ],
      },
    ]);
  });

  it('does not post per-user status frames in a room above presenceFullMax', async () => {
    setUp({ presenceFullMax: 2 });
    await joinAll('big', alice, bob, carol);
    await call(bob, { action: 'set_status', status: 'dnd' });
    expect(world.sender.framesTo('a1')).toEqual([]);
  });

  it('answers the same after the caches lost everything (rebuilt from the stores)', async () => {
    await joinAll('lobby', alice, bob);
    await call(bob, { action: 'set_status', status: 'dnd' });
    const before = await call(alice, { action: 'get_presence', roomId: 'lobby' });
    world.cache.flush();
    world.presence.forget();
    expect(await call(alice, { action: 'get_presence', roomId: 'lobby' })).toEqual(before);
    expect(before).toEqual([
      expect.objectContaining({
        users: [
          { userId: 'alice', status: 'online' },
          { userId: 'bob', status: 'dnd' },
        ],
      }),
    ]);
  });

  it('is refused in a room the connection has not joined', async () => {
    await joinAll('lobby', alice);
    await world.connections.putConnection({ ...bob, connectedAt: T0 });
    expect(await call(bob, { action: 'get_presence', roomId: 'lobby' })).toEqual([
      expect.objectContaining({ type: 'error', code: 'forbidden' }),
    ]);
  });
});

describe('the presence TTL', () => {
  const ttlMs = 300_000;

  it('lists a user silent past the TTL offline with lastSeen, and sweeps them', async () => {
    await joinAll('lobby', alice, bob);
    vi.setSystemTime(T0 + 1000);
    await call(bob, { action: 'ping' });
    vi.setSystemTime(T0 + 1000 + ttlMs);
    // Exactly at the TTL bob still counts; alice's ping keeps her alive.
    await call(alice, { action: 'ping' });
    expect(await call(alice, { action: 'get_presence', roomId: 'lobby' })).toEqual([
      expect.objectContaining({ users: [expect.anything(), { userId: 'bob', status: 'online' }] }),
    ]);
    vi.setSystemTime(T0 + 1001 + ttlMs);
    const lastSeen = new Date(T0 + 1000).toISOString();
    const [list] = await call(alice, { action: 'get_presence', roomId: 'lobby' });
    expect(list).toEqual({
      type: 'presence_list',
      roomId: 'lobby',
      users: [
        { userId: 'alice', status: 'online' },
        { userId: 'bob', status: 'offline', lastSeen },
      ],
    });
    // Swept as $disconnect would have: gone from the room, announced, lastSeen kept.
    expect(await world.connections.isInRoom('lobby', 'b1')).toBe(false);
    expect(world.sender.framesOfType('a1', 'presence')).toEqual([
      { type: 'presence', roomId: 'lobby', userId: 'bob', status: 'offline', lastSeen },
    ]);
    expect((await world.connections.userStates(['bob'])).get('bob')).toEqual({
      lastSeen: T0 + 1000,
    });
    // Read again later, from the durable store.
    expect(await call(alice, { action: 'get_presence', roomId: 'lobby' })).toEqual([
      expect.objectContaining({
        users: [expect.anything(), { userId: 'bob', status: 'offline', lastSeen }],
      }),
    ]);
  });

  it("leaves a stale user out of a join's online list", async () => {
    await joinAll('lobby', alice, bob);
    vi.setSystemTime(T0 + ttlMs + 1);
    await world.connections.putConnection({ ...carol, connectedAt: T0 });
    const [history] = await call(carol, { action: 'join_room', roomId: 'lobby' });
    expect(history).toMatchObject({ online: ['carol'], onlineCount: 1 });
    expect(await world.connections.roomConnections('lobby')).toEqual([
      { connectionId: 'c1', userId: 'carol' },
    ]);
  });

  it('answers ping with pong and counts it as activity', async () => {
    await joinAll('lobby', alice);
    vi.setSystemTime(T0 + 5000);
    expect(await call(alice, { action: 'ping' })).toEqual([{ type: 'pong' }]);
    expect(await world.presence.lastActive(['a1'], Date.now())).toEqual([T0 + 5000]);
  });
});
