import { beforeEach, describe, expect, it, vi } from 'vitest';
import { getHistory } from '../../../../functions/core/actions/get-history.js';
import { joinRoom } from '../../../../functions/core/actions/join-room.js';
import { leaveRoom } from '../../../../functions/core/actions/leave-room.js';
import { sendMessage } from '../../../../functions/core/actions/send-message.js';
import type { ActionHandler } from '../../../../functions/core/actions/types.js';
import { ChatError } from '../../../../functions/core/errors.js';
import type {
  GetHistoryRequest,
  JoinRoomRequest,
  LeaveRoomRequest,
  SendMessageRequest,
} from '../../../../functions/core/frames.js';
import { dropConnection } from '../../../../functions/core/membership.js';
import type { Caller } from '../../../../functions/core/message.js';
import type { ReplyFrame } from '../../../../functions/core/server-frames.js';
import { type FakeWorld, fakeWorld } from '../../../support/fakes.js';

let world: FakeWorld;

beforeEach(() => {
  world = fakeWorld();
});

/** Runs an action as the runtime does: replies go to the caller's own connection. */
async function run<R>(action: ActionHandler<R>, caller: Caller, request: R): Promise<void> {
  const reply = async (frame: ReplyFrame) => {
    await world.deps.sender.send(caller.connectionId, JSON.stringify(frame));
  };
  await action(world.deps, caller, request, reply);
}

async function connect(connectionId: string, userId: string): Promise<Caller> {
  await world.connections.putConnection({ connectionId, userId, connectedAt: 1 });
  return { connectionId, userId };
}

const join = (caller: Caller, request: JoinRoomRequest) => run(joinRoom, caller, request);
const leave = (caller: Caller, request: LeaveRoomRequest) => run(leaveRoom, caller, request);
const send = (caller: Caller, request: SendMessageRequest) => run(sendMessage, caller, request);
const history = (caller: Caller, request: GetHistoryRequest) => run(getHistory, caller, request);

async function rejection(promise: Promise<unknown>): Promise<ChatError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChatError);
  return error as ChatError;
}

describe('join_room', () => {
  it('creates the room and replies with empty history, the joiner online and lastSeq 0', async () => {
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' });
    expect(world.messages.rooms.get('lobby')?.members.has('alice')).toBe(true);
    expect(world.sender.framesTo('a1')).toEqual([
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
      },
    ]);
    expect(await world.connections.isInRoom('lobby', 'a1')).toBe(true);
    expect(await world.cache.isInRoom('lobby', 'a1')).toBe(true);
  });

  it('lists everyone online including the joiner, and tells the others the joiner is online', async () => {
    const alice = await connect('a1', 'alice');
    const bob = await connect('b1', 'bob');
    await join(alice, { roomId: 'lobby' });
    world.sender.clear();
    await join(bob, { roomId: 'lobby' });

    const [reply, ...rest] = world.sender.framesTo('b1');
    expect(rest).toEqual([]);
    expect(reply).toMatchObject({ type: 'room_history', lastSeq: 0 });
    expect(reply?.type === 'room_history' && [...(reply.online ?? [])].sort()).toEqual([
      'alice',
      'bob',
    ]);
    expect(world.sender.framesTo('a1')).toEqual([
      { type: 'presence', roomId: 'lobby', userId: 'bob', status: 'online' },
    ]);
  });

  it("announces nobody when a user's second connection joins", async () => {
    const alice = await connect('a1', 'alice');
    const bob = await connect('b1', 'bob');
    const bob2 = await connect('b2', 'bob');
    await join(alice, { roomId: 'lobby' });
    await join(bob, { roomId: 'lobby' });
    world.sender.clear();
    await join(bob2, { roomId: 'lobby' });

    expect(world.sender.framesOfType('a1', 'presence')).toEqual([]);
    expect(world.sender.framesOfType('b1', 'presence')).toEqual([]);
    const reply = world.sender.framesOfType('b2', 'room_history')[0];
    expect([...(reply?.online ?? [])].sort()).toEqual(['alice', 'bob']);
  });

  it('announces from the durable store when the cache lost the room', async () => {
    const alice = await connect('a1', 'alice');
    const bob = await connect('b1', 'bob');
    await join(alice, { roomId: 'lobby' });
    world.cache.flush();
    world.sender.clear();
    await join(bob, { roomId: 'lobby' });

    expect(world.sender.framesTo('a1')).toEqual([
      { type: 'presence', roomId: 'lobby', userId: 'bob', status: 'online' },
    ]);
    const reply = world.sender.framesOfType('b1', 'room_history')[0];
    expect([...(reply?.online ?? [])].sort()).toEqual(['alice', 'bob']);
    // The miss refilled the cache with both connections.
    expect(await world.cache.isInRoom('lobby', 'a1')).toBe(true);
    expect(await world.cache.isInRoom('lobby', 'b1')).toBe(true);
  });

  it('replies with the newest page of an existing room and its lastSeq', async () => {
    await world.messages.seed('lobby', 60);
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' });
    const reply = world.sender.framesOfType('a1', 'room_history')[0];
    expect(reply?.lastSeq).toBe(60);
    expect(reply?.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 11 + i));
    expect(reply?.hasMore).toBe(true);
  });

  it('honours limit', async () => {
    await world.messages.seed('lobby', 10);
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby', limit: 3 });
    const reply = world.sender.framesOfType('a1', 'room_history')[0];
    expect(reply?.messages.map((m) => m.seq)).toEqual([8, 9, 10]);
    expect(reply?.hasMore).toBe(true);
  });

  it('with since, sends the oldest messages after that seq', async () => {
    await world.messages.seed('lobby', 10);
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby', since: 4, limit: 3 });
    const reply = world.sender.framesOfType('a1', 'room_history')[0];
    expect(reply?.messages.map((m) => m.seq)).toEqual([5, 6, 7]);
    expect(reply?.hasMore).toBe(true);
    expect(reply?.lastSeq).toBe(10);

    const bob = await connect('b1', 'bob');
    await join(bob, { roomId: 'lobby', since: 8 });
    const bobs = world.sender.framesOfType('b1', 'room_history')[0];
    expect(bobs?.messages.map((m) => m.seq)).toEqual([9, 10]);
    expect(bobs?.hasMore).toBe(false);
  });

  it('with since = lastSeq, sends no messages', async () => {
    await world.messages.seed('lobby', 5);
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby', since: 5 });
    const reply = world.sender.framesOfType('a1', 'room_history')[0];
    expect(reply).toMatchObject({ messages: [], hasMore: false, lastSeq: 5 });
  });

  it('does not serve a cached window that lags behind the room', async () => {
    await world.messages.seed('lobby', 3);
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' }); // fills the window with 1..3
    // A message is stored but never reaches the cache.
    await world.messages.appendMessage({ roomId: 'lobby', userId: 'seeder', content: 'late' });
    const bob = await connect('b1', 'bob');
    await join(bob, { roomId: 'lobby' });
    const reply = world.sender.framesOfType('b1', 'room_history')[0];
    expect(reply?.lastSeq).toBe(4);
    expect(reply?.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('still serves history when the cache read fails', async () => {
    await world.messages.seed('lobby', 2);
    vi.spyOn(world.cache, 'recentMessages').mockRejectedValue(new Error('redis down'));
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' });
    const reply = world.sender.framesOfType('a1', 'room_history')[0];
    expect(reply?.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('passes on forbidden from the store (banned) and joins nothing', async () => {
    world.messages.ban('lobby', 'eve');
    const eve = await connect('e1', 'eve');
    const error = await rejection(join(eve, { roomId: 'lobby' }));
    expect(error.code).toBe('forbidden');
    expect(await world.connections.isInRoom('lobby', 'e1')).toBe(false);
    expect(world.sender.framesTo('e1')).toEqual([]);
  });
});

describe('leave_room', () => {
  it('replies left and tells the room the user is offline when it was their last connection', async () => {
    const alice = await connect('a1', 'alice');
    const bob = await connect('b1', 'bob');
    await join(alice, { roomId: 'lobby' });
    await join(bob, { roomId: 'lobby' });
    world.sender.clear();
    await leave(bob, { roomId: 'lobby' });

    expect(world.sender.framesTo('b1')).toEqual([{ type: 'left', roomId: 'lobby' }]);
    expect(world.sender.framesTo('a1')).toEqual([
      { type: 'presence', roomId: 'lobby', userId: 'bob', status: 'offline' },
    ]);
    expect(await world.connections.isInRoom('lobby', 'b1')).toBe(false);
    expect(await world.cache.isInRoom('lobby', 'b1')).toBe(false);
  });

  it('announces nothing while the user still has another connection in the room', async () => {
    const alice = await connect('a1', 'alice');
    const bob = await connect('b1', 'bob');
    const bob2 = await connect('b2', 'bob');
    await join(alice, { roomId: 'lobby' });
    await join(bob, { roomId: 'lobby' });
    await join(bob2, { roomId: 'lobby' });
    world.sender.clear();
    await leave(bob, { roomId: 'lobby' });
    expect(world.sender.framesTo('b1')).toEqual([{ type: 'left', roomId: 'lobby' }]);
    expect(world.sender.recipients()).toEqual(['b1']);

    await leave(bob2, { roomId: 'lobby' });
    expect(world.sender.framesTo('a1')).toEqual([
      { type: 'presence', roomId: 'lobby', userId: 'bob', status: 'offline' },
    ]);
  });

  it('is idempotent: a second leave answers left again and announces nothing', async () => {
    const alice = await connect('a1', 'alice');
    const bob = await connect('b1', 'bob');
    await join(alice, { roomId: 'lobby' });
    await join(bob, { roomId: 'lobby' });
    await leave(bob, { roomId: 'lobby' });
    world.sender.clear();
    await leave(bob, { roomId: 'lobby' });
    expect(world.sender.framesTo('b1')).toEqual([{ type: 'left', roomId: 'lobby' }]);
    expect(world.sender.framesTo('a1')).toEqual([]);
  });

  it('answers left for a room never joined', async () => {
    const alice = await connect('a1', 'alice');
    await leave(alice, { roomId: 'nowhere' });
    expect(world.sender.framesTo('a1')).toEqual([{ type: 'left', roomId: 'nowhere' }]);
  });

  it('works from the durable store when the cache lost the room', async () => {
    const alice = await connect('a1', 'alice');
    const bob = await connect('b1', 'bob');
    await join(alice, { roomId: 'lobby' });
    await join(bob, { roomId: 'lobby' });
    world.cache.flush();
    world.sender.clear();
    await leave(bob, { roomId: 'lobby' });
    expect(world.sender.framesTo('a1')).toEqual([
      { type: 'presence', roomId: 'lobby', userId: 'bob', status: 'offline' },
    ]);
  });
});

describe('send_message', () => {
  async function room() {
    const alice = await connect('a1', 'alice');
    const alice2 = await connect('a2', 'alice');
    const bob = await connect('b1', 'bob');
    const outsider = await connect('o1', 'olga');
    await join(alice, { roomId: 'lobby' });
    await join(alice2, { roomId: 'lobby' });
    await join(bob, { roomId: 'lobby' });
    await join(outsider, { roomId: 'elsewhere' });
    world.sender.clear();
    return { alice, alice2, bob, outsider };
  }

  it('is forbidden before joining, and stores nothing', async () => {
    await room();
    const eve = await connect('e1', 'eve');
    const error = await rejection(send(eve, { roomId: 'lobby', content: 'hi' }));
    expect(error.code).toBe('forbidden');
    expect(world.messages.rooms.get('lobby')?.messages).toEqual([]);
    expect(world.sender.recipients()).toEqual([]);
  });

  it('is forbidden after leaving', async () => {
    const { bob } = await room();
    await leave(bob, { roomId: 'lobby' });
    const error = await rejection(send(bob, { roomId: 'lobby', content: 'hi' }));
    expect(error.code).toBe('forbidden');
  });

  it('acks the stored message only after it is stored', async () => {
    const { alice } = await room();
    let storedAtAck: number | undefined;
    const reply = async (frame: ReplyFrame) => {
      storedAtAck = world.messages.rooms.get('lobby')?.messages.length;
      await world.sender.send('a1', JSON.stringify(frame));
    };
    await sendMessage(world.deps, alice, { roomId: 'lobby', content: 'hello' }, reply);
    expect(storedAtAck).toBe(1);
    const stored = world.messages.rooms.get('lobby')?.messages[0];
    expect(stored).toMatchObject({ roomId: 'lobby', seq: 1, userId: 'alice', content: 'hello' });
    expect(world.sender.framesTo('a1')).toEqual([{ type: 'ack', message: stored }]);
  });

  it('delivers new_message to every other connection in the room, and only those', async () => {
    const { alice } = await room();
    await send(alice, { roomId: 'lobby', content: 'hello' });
    const message = world.messages.rooms.get('lobby')?.messages[0];
    expect(world.sender.framesTo('a1')).toEqual([{ type: 'ack', message }]);
    expect(world.sender.framesTo('a2')).toEqual([{ type: 'new_message', message }]);
    expect(world.sender.framesTo('b1')).toEqual([{ type: 'new_message', message }]);
    expect(world.sender.framesTo('o1')).toEqual([]);
    expect(world.sender.recipients().sort()).toEqual(['a1', 'a2', 'b1']);
  });

  it('posts to the room while the ack is still on its way', async () => {
    const { alice } = await room();
    let releaseAck = () => {};
    const ackHeld = new Promise<void>((resolve) => {
      releaseAck = resolve;
    });
    const reply = async (frame: ReplyFrame) => {
      await ackHeld;
      await world.sender.send('a1', JSON.stringify(frame));
    };
    const sending = sendMessage(world.deps, alice, { roomId: 'lobby', content: 'hello' }, reply);
    await vi.waitFor(() => expect(world.sender.framesOfType('b1', 'new_message')).toHaveLength(1));
    expect(world.sender.framesOfType('a2', 'new_message')).toHaveLength(1);
    expect(world.sender.framesTo('a1')).toEqual([]);
    releaseAck();
    await sending;
    expect(world.sender.framesOfType('a1', 'ack')).toHaveLength(1);
  });

  it('delivers to the room when the ack cannot be posted, then reports the failure', async () => {
    const { alice } = await room();
    const reply = async () => {
      throw new Error('post failed');
    };
    const outcome = sendMessage(world.deps, alice, { roomId: 'lobby', content: 'hello' }, reply);
    await expect(outcome).rejects.toThrow('post failed');
    expect(world.sender.framesOfType('b1', 'new_message')).toHaveLength(1);
    expect((await world.cache.recentMessages('lobby'))?.messages).toHaveLength(1);
  });

  /** Runs `during` after the send has read the room and before its message commits. */
  function beforeTheCommit(during: () => Promise<void>) {
    const append = world.messages.appendMessage.bind(world.messages);
    vi.spyOn(world.messages, 'appendMessage').mockImplementationOnce(async (input) => {
      await during();
      return append(input);
    });
  }

  it('delivers to a connection that joined between its read of the room and its commit', async () => {
    const { alice } = await room();
    const carol = await connect('c1', 'carol');
    // Carol's join reply is read before the message exists, and the send's list of the
    // room was read before she joined: only the send's second look can reach her.
    beforeTheCommit(() => join(carol, { roomId: 'lobby' }));
    await send(alice, { roomId: 'lobby', content: 'during the join' });
    const reply = world.sender.framesOfType('c1', 'room_history')[0];
    expect(reply?.messages).toEqual([]);
    expect(world.sender.framesOfType('c1', 'new_message').map((f) => f.message.content)).toEqual([
      'during the join',
    ]);
    // Everyone else once, the sender not at all.
    expect(world.sender.framesOfType('b1', 'new_message')).toHaveLength(1);
    expect(world.sender.framesOfType('a2', 'new_message')).toHaveLength(1);
    expect(world.sender.framesOfType('a1', 'new_message')).toHaveLength(0);
  });

  it('finds a late joiner in the durable store when the cache lost the room meanwhile', async () => {
    const { alice } = await room();
    const carol = await connect('c1', 'carol');
    beforeTheCommit(async () => {
      await join(carol, { roomId: 'lobby' });
      world.cache.flush();
    });
    await send(alice, { roomId: 'lobby', content: 'during the join' });
    expect(world.sender.framesOfType('c1', 'new_message')).toHaveLength(1);
    expect(world.sender.framesOfType('b1', 'new_message')).toHaveLength(1);
  });

  it('sends the ack before it issues the window append', async () => {
    const { alice } = await room();
    const order: string[] = [];
    const append = world.cache.appendRecentMessage.bind(world.cache);
    vi.spyOn(world.cache, 'appendRecentMessage').mockImplementation((roomId, message, stamp) => {
      order.push('window');
      return append(roomId, message, stamp);
    });
    const reply = async (frame: ReplyFrame) => {
      order.push(frame.type);
    };
    await sendMessage(world.deps, alice, { roomId: 'lobby', content: 'hello' }, reply);
    expect(order).toEqual(['ack', 'window']);
    expect((await world.cache.recentMessages('lobby'))?.messages).toHaveLength(1);
  });

  it('a reply that throws at once still leaves the message in the window and the room', async () => {
    const { alice } = await room();
    const reply = () => {
      throw new Error('no connection');
    };
    const outcome = sendMessage(world.deps, alice, { roomId: 'lobby', content: 'hello' }, reply);
    await expect(outcome).rejects.toThrow('no connection');
    expect(world.sender.framesOfType('b1', 'new_message')).toHaveLength(1);
    expect((await world.cache.recentMessages('lobby'))?.messages).toHaveLength(1);
  });

  it('stores the user from the caller, never from the frame', async () => {
    const { bob } = await room();
    const forged = { roomId: 'lobby', content: 'x', userId: 'alice' } as SendMessageRequest;
    await send(bob, forged);
    expect(world.messages.rooms.get('lobby')?.messages[0]?.userId).toBe('bob');
  });

  it('gives consecutive seqs and appends to the cached window', async () => {
    const { alice, bob } = await room();
    await send(alice, { roomId: 'lobby', content: 'one' });
    await send(bob, { roomId: 'lobby', content: 'two' });
    const acks = [
      ...world.sender.framesOfType('a1', 'ack'),
      ...world.sender.framesOfType('b1', 'ack'),
    ];
    expect(acks.map((a) => a.message.seq)).toEqual([1, 2]);
    expect((await world.cache.recentMessages('lobby'))?.messages.map((m) => m.content)).toEqual([
      'one',
      'two',
    ]);
  });

  it('a retry with the same clientMsgId acks the same message and does not fan out twice', async () => {
    const { alice } = await room();
    await send(alice, { roomId: 'lobby', content: 'hello', clientMsgId: 'c-1' });
    await send(alice, { roomId: 'lobby', content: 'hello', clientMsgId: 'c-1' });
    const acks = world.sender.framesOfType('a1', 'ack');
    expect(acks).toHaveLength(2);
    expect(acks[1]?.message).toEqual(acks[0]?.message);
    expect(acks[0]?.message.clientMsgId).toBe('c-1');
    expect(world.messages.rooms.get('lobby')?.messages).toHaveLength(1);
    expect(world.sender.framesOfType('b1', 'new_message')).toHaveLength(1);
    expect(world.sender.framesOfType('a2', 'new_message')).toHaveLength(1);
    expect((await world.cache.recentMessages('lobby'))?.messages).toHaveLength(1);
  });

  it('the same clientMsgId from another user is another message', async () => {
    const { alice, bob } = await room();
    await send(alice, { roomId: 'lobby', content: 'a', clientMsgId: 'same' });
    await send(bob, { roomId: 'lobby', content: 'b', clientMsgId: 'same' });
    expect(world.messages.rooms.get('lobby')?.messages.map((m) => m.seq)).toEqual([1, 2]);
  });

  it('removes connections the sender reports gone, everywhere, and announces them offline', async () => {
    const { alice } = await room();
    world.sender.gone.add('b1');
    await send(alice, { roomId: 'lobby', content: 'hello' });

    expect(world.sender.framesOfType('a1', 'ack')).toHaveLength(1);
    expect(await world.connections.getConnection('b1')).toBeUndefined();
    expect(await world.connections.isInRoom('lobby', 'b1')).toBe(false);
    expect(await world.cache.isInRoom('lobby', 'b1')).toBe(false);
    expect(world.sender.framesOfType('a1', 'presence')).toEqual([
      {
        type: 'presence',
        roomId: 'lobby',
        userId: 'bob',
        status: 'offline',
        lastSeen: expect.any(String),
      },
    ]);
    expect(world.sender.framesOfType('a2', 'presence')).toHaveLength(1);
    // Nobody else was dropped.
    expect(await world.connections.isInRoom('lobby', 'a2')).toBe(true);
  });

  it('keeps connections whose posts failed for another reason', async () => {
    const { alice } = await room();
    world.sender.failing.add('b1');
    await send(alice, { roomId: 'lobby', content: 'hello' });
    expect(world.sender.framesOfType('a1', 'ack')).toHaveLength(1);
    expect(await world.connections.isInRoom('lobby', 'b1')).toBe(true);
    expect(await world.cache.isInRoom('lobby', 'b1')).toBe(true);
  });

  it('passes on not_found when the store says the room does not exist', async () => {
    const { alice } = await room();
    world.messages.rooms.delete('lobby');
    const error = await rejection(send(alice, { roomId: 'lobby', content: 'hello' }));
    expect(error.code).toBe('not_found');
    expect(world.sender.recipients()).toEqual([]);
  });

  it('acks and delivers even when the cache cannot take the message', async () => {
    const { alice } = await room();
    vi.spyOn(world.cache, 'appendRecentMessage').mockRejectedValue(new Error('redis down'));
    await send(alice, { roomId: 'lobby', content: 'hello' });
    expect(world.sender.framesOfType('a1', 'ack')).toHaveLength(1);
    expect(world.sender.framesOfType('b1', 'new_message')).toHaveLength(1);
    expect(world.log.entries.some((e) => e.level === 'warn')).toBe(true);
  });

  it('authorizes and delivers from the durable store when the cache misses', async () => {
    const { alice } = await room();
    world.cache.flush();
    await send(alice, { roomId: 'lobby', content: 'hello' });
    expect(world.sender.framesOfType('a1', 'ack')).toHaveLength(1);
    expect(world.sender.framesOfType('b1', 'new_message')).toHaveLength(1);
    expect(world.sender.framesOfType('a2', 'new_message')).toHaveLength(1);
  });

  it('authorizes from the durable store when the cache read fails', async () => {
    const { alice } = await room();
    vi.spyOn(world.cache, 'roomConnections').mockRejectedValue(new Error('redis down'));
    await send(alice, { roomId: 'lobby', content: 'hello' });
    expect(world.sender.framesOfType('b1', 'new_message')).toHaveLength(1);
  });
});

describe('get_history', () => {
  it('is forbidden before joining', async () => {
    await world.messages.seed('lobby', 3);
    const alice = await connect('a1', 'alice');
    const error = await rejection(history(alice, { roomId: 'lobby' }));
    expect(error.code).toBe('forbidden');
    expect(world.sender.framesTo('a1')).toEqual([]);
  });

  it('is forbidden after leaving (with a cold cache too)', async () => {
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' });
    await leave(alice, { roomId: 'lobby' });
    expect((await rejection(history(alice, { roomId: 'lobby' }))).code).toBe('forbidden');
    world.cache.flush();
    expect((await rejection(history(alice, { roomId: 'lobby' }))).code).toBe('forbidden');
  });

  it('pages: newest 50 by default, then before, then after', async () => {
    await world.messages.seed('lobby', 120);
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' });
    world.sender.clear();

    await history(alice, { roomId: 'lobby' });
    await history(alice, { roomId: 'lobby', before: 71, limit: 20 });
    await history(alice, { roomId: 'lobby', before: 5 });
    await history(alice, { roomId: 'lobby', after: 100, limit: 5 });
    await history(alice, { roomId: 'lobby', after: 110 });
    const pages = world.sender.framesOfType('a1', 'room_history');
    const summary = pages.map((p) => ({
      first: p.messages[0]?.seq,
      last: p.messages.at(-1)?.seq,
      count: p.messages.length,
      hasMore: p.hasMore,
    }));
    expect(summary).toEqual([
      { first: 71, last: 120, count: 50, hasMore: true },
      { first: 51, last: 70, count: 20, hasMore: true },
      { first: 1, last: 4, count: 4, hasMore: false },
      { first: 101, last: 105, count: 5, hasMore: true },
      { first: 111, last: 120, count: 10, hasMore: false },
    ]);
    for (const page of pages) {
      expect(page).not.toHaveProperty('online');
      expect(page).not.toHaveProperty('lastSeq');
      expect(page.roomId).toBe('lobby');
    }
  });

  it('walking back with before visits every message once, in order', async () => {
    await world.messages.seed('lobby', 237);
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' });
    world.sender.clear();
    const seen: number[] = [];
    let before: number | undefined;
    for (let i = 0; i < 10; i++) {
      await history(alice, { roomId: 'lobby', limit: 100, ...(before ? { before } : {}) });
      const page = world.sender.lastTo('a1');
      if (page?.type !== 'room_history') throw new Error('expected room_history');
      seen.unshift(...page.messages.map((m) => m.seq));
      if (!page.hasMore) break;
      before = page.messages[0]?.seq;
    }
    expect(seen).toEqual(Array.from({ length: 237 }, (_, i) => i + 1));
  });

  it('answers an empty room with an empty page', async () => {
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' });
    world.sender.clear();
    await history(alice, { roomId: 'lobby' });
    expect(world.sender.framesTo('a1')).toEqual([
      { type: 'room_history', roomId: 'lobby', messages: [], hasMore: false },
    ]);
  });

  it('includes messages sent after joining', async () => {
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' });
    await send(alice, { roomId: 'lobby', content: 'one' });
    await send(alice, { roomId: 'lobby', content: 'two' });
    world.sender.clear();
    await history(alice, { roomId: 'lobby' });
    const page = world.sender.framesOfType('a1', 'room_history')[0];
    expect(page?.messages.map((m) => m.content)).toEqual(['one', 'two']);
  });

  it('reads from the store what the cached window cannot answer', async () => {
    world = fakeWorld({ recentWindow: 10 });
    await world.messages.seed('lobby', 30);
    const alice = await connect('a1', 'alice');
    await join(alice, { roomId: 'lobby' });
    world.sender.clear();
    const historySpy = vi.spyOn(world.messages, 'history');
    await history(alice, { roomId: 'lobby', limit: 5 });
    expect(historySpy).not.toHaveBeenCalled();
    await history(alice, { roomId: 'lobby', limit: 25 });
    expect(historySpy).toHaveBeenCalledTimes(1);
    const pages = world.sender.framesOfType('a1', 'room_history');
    expect(pages.map((p) => p.messages.length)).toEqual([5, 25]);
    expect(pages[1]?.messages[0]?.seq).toBe(6);
  });
});

describe('dropConnection', () => {
  it("removes the connection everywhere and announces its user offline where it was the user's last", async () => {
    const alice = await connect('a1', 'alice');
    const bob = await connect('b1', 'bob');
    const bob2 = await connect('b2', 'bob');
    await join(alice, { roomId: 'one' });
    await join(alice, { roomId: 'two' });
    await join(bob, { roomId: 'one' });
    await join(bob, { roomId: 'two' });
    await join(bob2, { roomId: 'two' });
    world.sender.clear();

    await dropConnection(world.deps, 'b1');
    expect(await world.connections.getConnection('b1')).toBeUndefined();
    expect(await world.connections.isInRoom('one', 'b1')).toBe(false);
    expect(await world.connections.isInRoom('two', 'b1')).toBe(false);
    expect(await world.cache.isInRoom('one', 'b1')).toBe(false);
    expect(await world.cache.isInRoom('two', 'b1')).toBe(false);
    // Room one: bob's last connection. Room two: bob is still there on b2.
    expect(world.sender.framesTo('a1')).toEqual([
      {
        type: 'presence',
        roomId: 'one',
        userId: 'bob',
        status: 'offline',
        lastSeen: expect.any(String),
      },
    ]);
    expect(world.sender.framesTo('b2')).toEqual([]);
  });

  it('announces from the durable store when the cache lost the room', async () => {
    const alice = await connect('a1', 'alice');
    const bob = await connect('b1', 'bob');
    await join(alice, { roomId: 'one' });
    await join(bob, { roomId: 'one' });
    world.cache.flush();
    world.sender.clear();
    await dropConnection(world.deps, 'b1');
    expect(world.sender.framesTo('a1')).toEqual([
      {
        type: 'presence',
        roomId: 'one',
        userId: 'bob',
        status: 'offline',
        lastSeen: expect.any(String),
      },
    ]);
  });

  it('is a no-op for an unknown connection', async () => {
    await dropConnection(world.deps, 'nobody');
    expect(world.sender.recipients()).toEqual([]);
  });

  it('announces nothing for a connection that joined no room', async () => {
    await connect('a1', 'alice');
    await dropConnection(world.deps, 'a1');
    expect(await world.connections.getConnection('a1')).toBeUndefined();
    expect(world.sender.recipients()).toEqual([]);
  });
});
