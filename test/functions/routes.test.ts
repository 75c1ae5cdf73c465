import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatError, StoreUnavailableError } from '../../functions/core/errors.js';
import type { ServerFrame } from '../../functions/core/server-frames.js';
import { makeGetHistoryHandler } from '../../functions/get-history.js';
import { makeJoinRoomHandler } from '../../functions/join-room.js';
import { makeLeaveRoomHandler } from '../../functions/leave-room.js';
import { logger } from '../../functions/runtime/logger.js';
import { makeSendMessageHandler } from '../../functions/send-message.js';
import type { WebSocketHandler } from '../../functions/shared/apigw-events.js';
import { lambdaContext, messageEvent, newConnectionId } from '../support/events.js';
import { type FakeWorld, fakeWiring, fakeWorld } from '../support/fakes.js';

let world: FakeWorld;
let handlers: Record<string, WebSocketHandler>;

beforeEach(() => {
  world = fakeWorld();
  const wiring = fakeWiring(world);
  handlers = {
    join_room: makeJoinRoomHandler(wiring),
    leave_room: makeLeaveRoomHandler(wiring),
    send_message: makeSendMessageHandler(wiring),
    get_history: makeGetHistoryHandler(wiring),
  };
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  vi.restoreAllMocks();
});

interface Client {
  connectionId: string;
  userId: string;
  /** Sends a frame on the route its `action` names; returns the frames this call sent back. */
  send(frame: Record<string, unknown> | string, route?: string): Promise<ServerFrame[]>;
}

/** A connected client: its $connect already recorded it, its events carry the authorizer. */
async function client(userId: string, options: { authorizer?: boolean } = {}): Promise<Client> {
  const connectionId = newConnectionId();
  await world.connections.putConnection({ connectionId, userId, connectedAt: 1 });
  return {
    connectionId,
    userId,
    async send(frame, route) {
      const action = typeof frame === 'string' ? undefined : frame.action;
      const routeKey = route ?? (typeof action === 'string' ? action : '$default');
      const handler = handlers[routeKey];
      if (!handler) throw new Error(`no handler for ${routeKey}`);
      const before = world.sender.framesTo(connectionId).length;
      const event = messageEvent(frame, {
        connectionId,
        routeKey,
        ...(options.authorizer === false ? { authorizer: null } : { userId }),
      });
      const result = await handler(event, lambdaContext());
      expect(result).toEqual({ statusCode: 200 });
      return world.sender.framesTo(connectionId).slice(before);
    },
  };
}

/** The one error frame a call produced. */
function onlyError(frames: ServerFrame[]) {
  expect(frames).toHaveLength(1);
  const [frame] = frames;
  if (frame?.type !== 'error') throw new Error(`expected an error frame, got ${frame?.type}`);
  return frame;
}

describe('join_room', () => {
  it('replies room_history with online and lastSeq, echoing requestId', async () => {
    const alice = await client('alice');
    const frames = await alice.send({ action: 'join_room', roomId: 'lobby', requestId: 'j1' });
    expect(frames).toEqual([
      {
        type: 'room_history',
        roomId: 'lobby',
        messages: [],
        hasMore: false,
        online: ['alice'],
        onlineCount: 1,
        lastSeq: 0,
        readSeq: 0,
        unread: 0,
        requestId: 'j1',
      },
    ]);
  });

  it('announces the joiner to the room, without requestId', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    await alice.send({ action: 'join_room', roomId: 'lobby' });
    await bob.send({ action: 'join_room', roomId: 'lobby', requestId: 'b' });
    expect(world.sender.framesOfType(alice.connectionId, 'presence')).toEqual([
      { type: 'presence', roomId: 'lobby', userId: 'bob', status: 'online' },
    ]);
  });

  it('takes the user from the authorizer context, never from the frame', async () => {
    const alice = await client('alice');
    const frames = await alice.send({ action: 'join_room', roomId: 'lobby', userId: 'mallory' });
    expect(frames[0]).toMatchObject({ online: ['alice'] });
    expect(world.messages.rooms.get('lobby')?.members.has('mallory')).toBe(false);
  });

  it('serves since and limit', async () => {
    await world.messages.seed('lobby', 10);
    const alice = await client('alice');
    const [reply] = await alice.send({ action: 'join_room', roomId: 'lobby', since: 2, limit: 3 });
    expect(reply?.type === 'room_history' && reply.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(reply).toMatchObject({ hasMore: true, lastSeq: 10 });
  });

  it('answers forbidden when the store refuses the join', async () => {
    world.messages.ban('lobby', 'eve');
    const eve = await client('eve');
    const error = onlyError(
      await eve.send({ action: 'join_room', roomId: 'lobby', requestId: 'x' }),
    );
    expect(error).toMatchObject({ code: 'forbidden', requestId: 'x' });
  });
});

describe('leave_room', () => {
  it('replies left with requestId, and announces the user offline', async () => {
    const alice = await client('alice');
    const bob = await client('bob');
    await alice.send({ action: 'join_room', roomId: 'lobby' });
    await bob.send({ action: 'join_room', roomId: 'lobby' });
    const frames = await bob.send({ action: 'leave_room', roomId: 'lobby', requestId: 'l1' });
    expect(frames).toEqual([{ type: 'left', roomId: 'lobby', requestId: 'l1' }]);
    expect(world.sender.framesOfType(alice.connectionId, 'presence').at(-1)).toEqual({
      type: 'presence',
      roomId: 'lobby',
      userId: 'bob',
      status: 'offline',
    });
  });

  it('is idempotent', async () => {
    const alice = await client('alice');
    expect(await alice.send({ action: 'leave_room', roomId: 'lobby' })).toEqual([
      { type: 'left', roomId: 'lobby' },
    ]);
    expect(await alice.send({ action: 'leave_room', roomId: 'lobby' })).toEqual([
      { type: 'left', roomId: 'lobby' },
    ]);
  });
});

describe('send_message', () => {
  async function lobby() {
    const alice = await client('alice');
    const bob = await client('bob');
    await alice.send({ action: 'join_room', roomId: 'lobby' });
    await bob.send({ action: 'join_room', roomId: 'lobby' });
    world.sender.clear();
    return { alice, bob };
  }

  it('acks with requestId and delivers new_message to the others', async () => {
    const { alice, bob } = await lobby();
    const frames = await alice.send({
      action: 'send_message',
      roomId: 'lobby',
      content: 'hello 👋',
      clientMsgId: 'c1',
      requestId: 's1',
    });
    const stored = world.messages.rooms.get('lobby')?.messages[0];
    expect(stored).toMatchObject({
      seq: 1,
      userId: 'alice',
      content: 'hello 👋',
      clientMsgId: 'c1',
    });
    expect(frames).toEqual([{ type: 'ack', message: stored, requestId: 's1' }]);
    expect(world.sender.framesTo(bob.connectionId)).toEqual([
      { type: 'new_message', message: stored },
    ]);
  });

  it('a retried clientMsgId acks the same message and is delivered once', async () => {
    const { alice, bob } = await lobby();
    const frame = { action: 'send_message', roomId: 'lobby', content: 'x', clientMsgId: 'c1' };
    const [first] = await alice.send({ ...frame, requestId: 'try-1' });
    const [second] = await alice.send({ ...frame, requestId: 'try-2' });
    expect(first?.type === 'ack' && second?.type === 'ack').toBe(true);
    if (first?.type !== 'ack' || second?.type !== 'ack') return;
    expect(second.message).toEqual(first.message);
    expect(second.requestId).toBe('try-2');
    expect(world.sender.framesOfType(bob.connectionId, 'new_message')).toHaveLength(1);
  });

  it('answers forbidden to a connection that has not joined', async () => {
    await lobby();
    const eve = await client('eve');
    const error = onlyError(
      await eve.send({ action: 'send_message', roomId: 'lobby', content: 'hi', requestId: 'f' }),
    );
    expect(error).toMatchObject({ code: 'forbidden', requestId: 'f' });
    expect(world.messages.rooms.get('lobby')?.messages).toEqual([]);
  });

  it('answers not_found when the store says the room does not exist', async () => {
    const { alice, bob } = await lobby();
    world.messages.rooms.delete('lobby');
    const error = onlyError(
      await alice.send({ action: 'send_message', roomId: 'lobby', content: 'hi', requestId: 'n' }),
    );
    expect(error).toMatchObject({ code: 'not_found', requestId: 'n' });
    expect(world.sender.framesTo(bob.connectionId)).toEqual([]);
  });

  it('answers payload_too_large for content over MAX_MESSAGE_CHARS, counting code points', async () => {
    const { alice } = await lobby();
    const max = world.deps.limits.maxMessageChars;
    const fits = await alice.send({
      action: 'send_message',
      roomId: 'lobby',
      content: '😀'.repeat(max),
    });
    expect(fits[0]?.type).toBe('ack');
    const error = onlyError(
      await alice.send({
        action: 'send_message',
        roomId: 'lobby',
        content: 'x'.repeat(max + 1),
        requestId: 'big',
      }),
    );
    expect(error).toMatchObject({ code: 'payload_too_large', requestId: 'big' });
  });

  it('answers conflict when the store reports one', async () => {
    const { alice } = await lobby();
    vi.spyOn(world.messages, 'appendMessage').mockRejectedValue(
      new ChatError('conflict', 'Concurrent duplicate send; retry'),
    );
    const error = onlyError(
      await alice.send({ action: 'send_message', roomId: 'lobby', content: 'x', requestId: 'c' }),
    );
    expect(error).toEqual({
      type: 'error',
      code: 'conflict',
      message: 'Concurrent duplicate send; retry',
      requestId: 'c',
    });
  });

  it('removes a recipient the Management API reports gone', async () => {
    const { alice, bob } = await lobby();
    world.sender.gone.add(bob.connectionId);
    const frames = await alice.send({ action: 'send_message', roomId: 'lobby', content: 'x' });
    expect(frames.map((f) => f.type)).toEqual(['ack', 'presence']);
    expect(await world.connections.getConnection(bob.connectionId)).toBeUndefined();
    expect(await world.cache.isInRoom('lobby', bob.connectionId)).toBe(false);
  });
});

describe('get_history', () => {
  it('pages with before and after, echoing requestId', async () => {
    await world.messages.seed('lobby', 30);
    const alice = await client('alice');
    await alice.send({ action: 'join_room', roomId: 'lobby' });
    const [newest] = await alice.send({
      action: 'get_history',
      roomId: 'lobby',
      limit: 10,
      requestId: 'h1',
    });
    const [older] = await alice.send({
      action: 'get_history',
      roomId: 'lobby',
      before: 21,
      limit: 10,
    });
    const [newer] = await alice.send({ action: 'get_history', roomId: 'lobby', after: 25 });
    const seqs = (f: ServerFrame | undefined) =>
      f?.type === 'room_history' ? f.messages.map((m) => m.seq) : undefined;
    expect(seqs(newest)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(newest).toMatchObject({
      type: 'room_history',
      roomId: 'lobby',
      hasMore: true,
      requestId: 'h1',
    });
    expect(newest).not.toHaveProperty('online');
    expect(seqs(older)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(older).toMatchObject({ hasMore: true });
    expect(seqs(newer)).toEqual([26, 27, 28, 29, 30]);
    expect(newer).toMatchObject({ hasMore: false });
  });

  it('answers forbidden before joining', async () => {
    await world.messages.seed('lobby', 3);
    const alice = await client('alice');
    const error = onlyError(
      await alice.send({ action: 'get_history', roomId: 'lobby', requestId: 'g' }),
    );
    expect(error).toMatchObject({ code: 'forbidden', requestId: 'g' });
  });

  it('answers bad_request for before and after together', async () => {
    const alice = await client('alice');
    const error = onlyError(
      await alice.send({
        action: 'get_history',
        roomId: 'lobby',
        before: 5,
        after: 1,
        requestId: 'ba',
      }),
    );
    expect(error).toMatchObject({ code: 'bad_request', requestId: 'ba' });
  });
});

describe('every route: bad_request', () => {
  const ROUTES = ['join_room', 'leave_room', 'send_message', 'get_history'] as const;
  const valid: Record<(typeof ROUTES)[number], Record<string, unknown>> = {
    join_room: { roomId: 'lobby' },
    leave_room: { roomId: 'lobby' },
    send_message: { roomId: 'lobby', content: 'hi' },
    get_history: { roomId: 'lobby' },
  };

  describe.each(ROUTES)('%s', (action) => {
    it.each([
      ['not JSON', 'nope'],
      ['a JSON array', '[]'],
      ['JSON null', 'null'],
      ['a JSON number', '12'],
    ])('answers bad_request to a frame that is %s', async (_, body) => {
      const alice = await client('alice');
      const error = onlyError(await alice.send(body, action));
      expect(error.code).toBe('bad_request');
      expect(error).not.toHaveProperty('requestId');
    });

    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['too long', 'a'.repeat(65)],
      ['with a space', 'a b'],
      ['with a slash', '../x'],
      ['a number', 42],
      ['an object', { id: 'lobby' }],
    ])('answers bad_request, echoing requestId, to a roomId that is %s', async (_, roomId) => {
      const alice = await client('alice');
      const frame = { ...valid[action], action, roomId, requestId: `req-${action}` };
      const error = onlyError(await alice.send(frame));
      expect(error).toMatchObject({ code: 'bad_request', requestId: `req-${action}` });
    });

    it('answers bad_request to an invalid requestId, without echoing it', async () => {
      const alice = await client('alice');
      const error = onlyError(await alice.send({ ...valid[action], action, requestId: 7 }));
      expect(error.code).toBe('bad_request');
      expect(error).not.toHaveProperty('requestId');
    });
  });

  it.each([
    ['join_room', { roomId: 'lobby', since: -1 }],
    ['join_room', { roomId: 'lobby', since: 'x' }],
    ['join_room', { roomId: 'lobby', limit: 0 }],
    ['join_room', { roomId: 'lobby', limit: 101 }],
    ['send_message', { roomId: 'lobby' }],
    ['send_message', { roomId: 'lobby', content: '' }],
    ['send_message', { roomId: 'lobby', content: 5 }],
    ['send_message', { roomId: 'lobby', content: 'x', clientMsgId: 'c'.repeat(65) }],
    ['send_message', { roomId: 'lobby', content: 'x', clientMsgId: 3 }],
    ['get_history', { roomId: 'lobby', limit: 1.5 }],
    ['get_history', { roomId: 'lobby', before: '3' }],
    ['get_history', { roomId: 'lobby', after: -2 }],
  ])('%s answers bad_request to %j', async (action, fields) => {
    const alice = await client('alice');
    const error = onlyError(await alice.send({ action, ...fields, requestId: 'bad' }));
    expect(error).toMatchObject({ code: 'bad_request', requestId: 'bad' });
    expect(error.message).not.toBe('');
  });
});

describe('every route: caller and store failures', () => {
  const FRAMES: Record<string, Record<string, unknown>> = {
    join_room: { action: 'join_room', roomId: 'lobby' },
    leave_room: { action: 'leave_room', roomId: 'lobby' },
    send_message: { action: 'send_message', roomId: 'lobby', content: 'hi' },
    get_history: { action: 'get_history', roomId: 'lobby' },
  };

  it.each(Object.keys(FRAMES))(
    '%s answers unauthorized to a connection with no authorizer context and no record',
    async (action) => {
      const connectionId = newConnectionId();
      const handler = handlers[action]!;
      const event = messageEvent(
        { ...FRAMES[action], requestId: 'u' },
        { connectionId, authorizer: null },
      );
      expect(await handler(event, lambdaContext())).toEqual({ statusCode: 200 });
      const error = onlyError(world.sender.framesTo(connectionId));
      expect(error).toMatchObject({ code: 'unauthorized', requestId: 'u' });
      expect(world.messages.rooms.size).toBe(0);
    },
  );

  it('falls back to the connection record when the event has no authorizer context', async () => {
    const alice = await client('alice', { authorizer: false });
    const frames = await alice.send({ action: 'join_room', roomId: 'lobby' });
    expect(frames[0]).toMatchObject({ type: 'room_history', online: ['alice'] });
  });

  it.each(Object.keys(FRAMES))('%s answers unavailable when a store is down', async (action) => {
    const alice = await client('alice');
    if (action !== 'join_room') await alice.send(FRAMES.join_room!);
    const down = () => Promise.reject(new StoreUnavailableError('PostgreSQL'));
    vi.spyOn(world.messages, 'joinRoom').mockImplementation(down);
    vi.spyOn(world.messages, 'appendMessage').mockImplementation(down);
    vi.spyOn(world.messages, 'history').mockImplementation(down);
    vi.spyOn(world.messages, 'latest').mockImplementation(down);
    vi.spyOn(world.connections, 'removeFromRoom').mockImplementation(() =>
      Promise.reject(new StoreUnavailableError('DynamoDB')),
    );
    world.cache.flush();
    const error = onlyError(await alice.send({ ...FRAMES[action], requestId: 'down' }));
    expect(error.code).toBe('unavailable');
    expect(error.requestId).toBe('down');
    expect(error.message).toMatch(/unavailable; retry later/);
  });

  it.each(Object.keys(FRAMES))(
    '%s answers internal to an unexpected error, leaking no detail',
    async (action) => {
      const alice = await client('alice');
      if (action !== 'join_room') await alice.send(FRAMES.join_room!);
      const secret = new Error('password=hunter2 at /var/task/secret.js:12');
      vi.spyOn(world.messages, 'joinRoom').mockRejectedValue(secret);
      vi.spyOn(world.messages, 'appendMessage').mockRejectedValue(secret);
      vi.spyOn(world.connections, 'removeFromRoom').mockRejectedValue(secret);
      vi.spyOn(world.connections, 'isInRoom').mockRejectedValue(secret);
      vi.spyOn(world.cache, 'isInRoom').mockResolvedValue(undefined);
      const before = world.sender.sent.get(alice.connectionId)?.length ?? 0;
      const error = onlyError(await alice.send({ ...FRAMES[action], requestId: 'oops' }));
      expect(error).toEqual({
        type: 'error',
        code: 'internal',
        message: 'Internal error',
        requestId: 'oops',
      });
      const raw = world.sender.sent.get(alice.connectionId)?.slice(before).join('') ?? '';
      expect(raw).not.toMatch(/hunter2|secret\.js|stack|at \//);
      expect(logger.error).toHaveBeenCalled();
    },
  );

  it('answers internal without requestId when the frame had none', async () => {
    const alice = await client('alice');
    vi.spyOn(world.messages, 'joinRoom').mockRejectedValue(new TypeError('x is undefined'));
    const error = onlyError(await alice.send({ action: 'join_room', roomId: 'lobby' }));
    expect(error).toEqual({ type: 'error', code: 'internal', message: 'Internal error' });
  });

  it('survives a caller that is gone before its reply', async () => {
    const alice = await client('alice');
    world.sender.gone.add(alice.connectionId);
    expect(await alice.send({ action: 'join_room', roomId: 'lobby' })).toEqual([]);
  });

  it('survives a reply that fails to post', async () => {
    const alice = await client('alice');
    world.sender.failing.add(alice.connectionId);
    expect(await alice.send({ action: 'join_room', roomId: 'lobby' })).toEqual([]);
  });
});
