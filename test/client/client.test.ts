/**
 * The SDK against an in-memory server behind fake sockets: no network, fake timers, so
 * every reconnect delay and timeout is stepped exactly.
 */
import { describe, expect, it, vi } from 'vitest';
import { ParleyError } from '../../client/index.js';
import { FakeParley } from './fake-parley.js';
import { contents, sdkHarness, seqs, until } from './harness.js';

const { setup, reconnect } = sdkHarness();

describe('connecting', () => {
  it('puts the token in the query string, opens, and joins a room asked for before the open', async () => {
    const { server, client, states } = setup();
    server.post('r', 'before');
    expect(client.state).toBe('connecting');
    const joined = await client.join('r');
    expect(server.last.url).toBe('ws://parley.test/stage?token=alice&format=compact');
    expect(states).toEqual(['open']);
    expect(joined).toMatchObject({ roomId: 'r', lastSeq: 1, online: ['alice'], hasMore: false });
    expect(contents(joined.messages)).toEqual(['before']);
    expect(client.lastSeq('r')).toBe(1);
    expect(client.online('r')).toEqual(['alice']);
  });

  it('calls a token function on every connect', async () => {
    let n = 0;
    const { server, client } = setup({ token: async () => `t${++n}` });
    await client.join('r');
    server.last.drop();
    await reconnect(server, 2);
    await until(() => client.state === 'open');
    expect(server.sockets.map((s) => s.token)).toEqual(['t1', 't2']);
  });
});

describe('reconnection with backoff', () => {
  it('waits a full-jitter exponential delay between attempts, capped', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const server = new FakeParley();
    server.handshake = 'unreachable';
    const { client, states } = setup(
      { reconnect: { initialDelayMs: 100, factor: 2, maxDelayMs: 300 } },
      server,
    );
    const attemptsAt: number[] = [];
    const start = Date.now();
    for (let attempt = 2; attempt <= 5; attempt++) {
      await until(() => vi.getTimerCount() === 1, 'the reconnect timer');
      await vi.advanceTimersToNextTimerAsync();
      await until(() => server.sockets.length === attempt);
      attemptsAt.push(Date.now() - start);
    }
    // Delays 0.5 x cap: caps 100, 200, 300 (max), 300.
    expect(attemptsAt).toEqual([50, 150, 300, 450]);
    expect(client.state).toBe('connecting');
    expect(states).toEqual([]); // never opened: still 'connecting', no transitions
    server.handshake = 'open';
    await until(() => vi.getTimerCount() === 1);
    await vi.advanceTimersToNextTimerAsync();
    await until(() => client.state === 'open');
    // After an open the next outage starts from the initial delay again.
    server.last.drop();
    expect(client.state).toBe('reconnecting');
    const dropAt = Date.now();
    await vi.advanceTimersToNextTimerAsync();
    expect(Date.now() - dropAt).toBe(50);
    expect(states).toEqual(['open', 'reconnecting', 'open']);
  });

  it('gives up on a 401 when the token is a string: closed, error unauthorized, calls rejected', async () => {
    const server = new FakeParley();
    server.handshake = 401;
    const { client, errors } = setup({}, server);
    const sending = client.send('r', 'x');
    await expect(sending).rejects.toMatchObject({ name: 'ParleyError', code: 'unauthorized' });
    expect(client.state).toBe('closed');
    expect(errors.map((e) => e.code)).toEqual(['unauthorized']);
    expect(vi.getTimerCount()).toBe(0); // no retry scheduled
    await expect(client.join('r')).rejects.toMatchObject({ code: 'closed' });
  });

  it('says why the token was refused when the gateway tells (X-Parley-Refusal)', async () => {
    const server = new FakeParley();
    server.handshake = 401;
    server.refusal = 'expired: "exp" claim timestamp check failed';
    const { client } = setup({}, server);
    await expect(client.send('r', 'x')).rejects.toMatchObject({
      code: 'unauthorized',
      message:
        'The server refused the token (HTTP 401: expired: "exp" claim timestamp check failed)',
    });
  });

  it('keeps retrying a 401 when the token is a function, which may return a fresh token', async () => {
    const server = new FakeParley();
    server.handshake = 401;
    const tokens = ['expired', 'fresh'];
    const { client, errors } = setup({ token: () => tokens.shift() ?? 'none' }, server);
    await until(() => errors.length === 1);
    expect(errors[0]?.code).toBe('unauthorized');
    expect(client.state).toBe('connecting');
    server.handshake = 'open';
    await reconnect(server, 2);
    await until(() => client.state === 'open');
    expect(server.last.token).toBe('fresh');
  });
});

describe('resume after a drop', () => {
  it('rejoins with since = the last seq and emits every missed message once, in order', async () => {
    const { server, client, received } = setup();
    server.post('r', 'one');
    server.post('r', 'two');
    await client.join('r');
    server.post('r', 'three');
    await until(() => received.length === 3);
    server.last.drop();
    expect(client.state).toBe('reconnecting');
    server.post('r', 'four'); // nobody is connected to receive these
    server.post('r', 'five');
    await reconnect(server, 2);
    await until(() => received.length === 5);
    expect(server.last.frames('join_room')).toEqual([
      expect.objectContaining({ roomId: 'r', since: 3 }),
    ]);
    expect(contents(received)).toEqual(['one', 'two', 'three', 'four', 'five']);
    expect(client.lastSeq('r')).toBe(5);
    server.post('r', 'six');
    await until(() => received.length === 6);
    expect(seqs(received)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it.each([
    { pages: 'of limit (100)', pageCut: undefined, count: 250, afters: [100, 200] },
    // As a server cuts a page of large messages to fit 128 KB: fewer than asked, hasMore.
    { pages: 'cut below limit', pageCut: 7, count: 40, afters: [7, 14, 21, 28, 35] },
  ])(
    'pages forward with get_history after while the rejoin says hasMore, pages $pages',
    async ({ pageCut, count, afters }) => {
      const { server, client, received } = setup();
      server.pageCut = pageCut;
      await client.join('r');
      server.last.drop();
      for (let i = 1; i <= count; i++) server.post('r', `m${i}`);
      await reconnect(server, 2);
      await until(() => received.length === count);
      expect(seqs(received)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(server.last.frames('join_room')[0]).toMatchObject({ since: 0, limit: 100 });
      expect(server.last.frames('get_history').map((f) => f.after)).toEqual(afters);
      expect(client.lastSeq('r')).toBe(count);
    },
  );

  it('fills a gap with get_history after through pages cut below limit', async () => {
    const { server, client, received } = setup();
    server.pageCut = 3;
    await client.join('r');
    server.fanOut = false;
    for (let i = 1; i <= 10; i++) server.post('r', `m${i}`);
    server.fanOut = true;
    server.post('r', 'm11'); // seq 11 arrives live: 1 to 10 are missing
    await vi.advanceTimersByTimeAsync(2_000); // the gap's grace period (1 to 2 s)
    await until(() => received.length === 11);
    expect(seqs(received)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(server.last.frames('get_history').map((f) => f.after)).toEqual([0, 3, 6, 9]);
  });

  it('re-sends an unacked send with the same clientMsgId after the rejoin; one message, acked once', async () => {
    const { server, client, received } = setup();
    await client.join('r');
    server.dropBeforeNextAck = true; // stored, then the connection dies before the ack
    const sending = client.send('r', 'hello');
    await until(() => client.state === 'reconnecting');
    await reconnect(server, 2);
    const message = await sending;
    const [first, second] = server.sockets;
    const firstId = first?.frames('send_message')[0]?.clientMsgId;
    expect(firstId).toEqual(expect.any(String));
    expect(second?.frames('send_message').map((f) => f.clientMsgId)).toEqual([firstId]);
    // Rejoined before re-sending: the server refuses sends to rooms not joined.
    expect(second?.sent.map((f) => f.action)).toEqual(['join_room', 'send_message']);
    expect(server.messages('r')).toHaveLength(1);
    expect(message).toMatchObject({ seq: 1, content: 'hello', clientMsgId: firstId });
    expect(contents(received)).toEqual(['hello']);
  });

  it('retries a rejoin the server could not serve (unavailable) with backoff, then catches up', async () => {
    // Full jitter can draw a 0 ms delay (1 run in 250 did), and a 0 ms retry runs inside the
    // reconnect's timer step, before this test can see it waiting: fix the draw at half.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    // No idle ping, no rollover: the test counts the retry timer.
    const { server, client, received } = setup({ idlePingMs: 0, rolloverAfterMs: 0 });
    await client.join('r');
    const failed: unknown[] = [];
    client.on('resync_failed', (f) => failed.push(f));
    server.last.drop();
    server.post('r', 'missed');
    server.failNextJoin = 'unavailable';
    await reconnect(server, 2);
    await until(() => server.last.frames('join_room').length === 1);
    await until(() => vi.getTimerCount() === 1, 'the rejoin retry timer');
    expect(received).toEqual([]);
    await vi.advanceTimersToNextTimerAsync();
    await until(() => received.length === 1);
    expect(server.last.frames('join_room')).toEqual([
      expect.objectContaining({ since: 0 }),
      expect.objectContaining({ since: 0 }),
    ]);
    expect(contents(received)).toEqual(['missed']);
    expect(failed).toEqual([]);
  });

  it('reports resync_failed when a room cannot be rejoined', async () => {
    const { server, client } = setup();
    await client.join('r');
    const failed: { roomId: string; error: ParleyError }[] = [];
    client.on('resync_failed', (f) => failed.push(f));
    server.last.drop();
    server.forbidden.add('r');
    await reconnect(server, 2);
    await until(() => failed.length === 1);
    expect(failed[0]).toMatchObject({ roomId: 'r', error: { code: 'forbidden' } });
    expect(client.lastSeq('r')).toBe(0);
  });
});

describe('ordering while connected', () => {
  it('fills a gap (seq jumps) with get_history after, then delivers in order', async () => {
    const { server, client, received } = setup();
    await client.join('r');
    server.fanOut = false;
    server.post('r', 'lost-1');
    server.post('r', 'lost-2');
    server.fanOut = true;
    server.post('r', 'three');
    // The missing messages get gapGraceMs (1 s, up to twice that with jitter) to arrive.
    await vi.advanceTimersByTimeAsync(999);
    expect(server.last.frames('get_history')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_001);
    await until(() => received.length === 3);
    expect(server.last.frames('get_history')).toEqual([
      expect.objectContaining({ roomId: 'r', after: 0 }),
    ]);
    expect(contents(received)).toEqual(['lost-1', 'lost-2', 'three']);
  });

  it('does not fetch a gap that the late frames close within the grace period', async () => {
    const { server, client, received } = setup();
    await client.join('r');
    server.fanOut = false;
    const [m1, m2] = [server.post('r', 'late'), server.post('r', 'early')];
    const socket = server.last;
    socket.receive({ type: 'new_message', message: m2 }); // the queue reordered them
    await vi.advanceTimersByTimeAsync(500);
    socket.receive({ type: 'new_message', message: m1 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(contents(received)).toEqual(['late', 'early']);
    expect(socket.frames('get_history')).toEqual([]);
  });

  it('fetches a gap at once with gapGraceMs 0', async () => {
    const { server, client, received } = setup({ gapGraceMs: 0 });
    await client.join('r');
    server.fanOut = false;
    server.post('r', 'lost');
    server.fanOut = true;
    server.post('r', 'two');
    await until(() => received.length === 2);
    expect(contents(received)).toEqual(['lost', 'two']);
  });

  it('buffers out-of-order frames, drops duplicates, and emits each seq once in order', async () => {
    const { server, client, received } = setup();
    await client.join('r');
    server.silent.add('get_history'); // only the live frames can fill the gap here
    server.fanOut = false;
    const [m1, m2, m3] = [server.post('r', 'a'), server.post('r', 'b'), server.post('r', 'c')];
    const socket = server.last;
    socket.receive({ type: 'new_message', message: m3 });
    socket.receive({ type: 'new_message', message: m2 });
    expect(received).toEqual([]);
    socket.receive({ type: 'new_message', message: m1 });
    socket.receive({ type: 'new_message', message: m2 });
    socket.receive({ type: 'new_message', message: m1 });
    expect(contents(received)).toEqual(['a', 'b', 'c']);
  });

  it('passes own acks through the same pipeline: a later own seq waits for the earlier one', async () => {
    const { server, client, received } = setup();
    await client.join('r');
    server.fanOut = false;
    server.post('r', 'theirs'); // seq 1, its new_message still "in flight"
    server.fanOut = true;
    const mine = await client.send('r', 'mine');
    expect(mine.seq).toBe(2);
    await vi.advanceTimersByTimeAsync(2_000); // the gap's grace period
    await until(() => received.length === 2);
    expect(contents(received)).toEqual(['theirs', 'mine']);
  });
});

describe('requests', () => {
  it('rejects with timeout when no reply comes within requestTimeoutMs', async () => {
    // No idle ping, no rollover: the test counts the request's timer.
    const { server, client } = setup({ requestTimeoutMs: 1000, idlePingMs: 0, rolloverAfterMs: 0 });
    await client.join('r');
    server.silent.add('get_history');
    const reading = client.history('r', { before: 10 });
    const outcome = reading.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(ParleyError);
    expect(error).toMatchObject({ code: 'timeout' });
    expect(client.state).toBe('open');
  });

  it('rejects with the server error code and the requestId', async () => {
    const { client } = setup();
    await client.join('r');
    const error = await client.history('not-joined').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'forbidden', requestId: expect.any(String) });
  });

  it('history pages do not emit message events', async () => {
    const { server, client, received } = setup();
    for (let i = 1; i <= 5; i++) server.post('r', `m${i}`);
    await client.join('r', { limit: 2 });
    expect(contents(received)).toEqual(['m4', 'm5']);
    const older = await client.history('r', { before: 4, limit: 10 });
    expect(contents(older.messages)).toEqual(['m1', 'm2', 'm3']);
    expect(received).toHaveLength(2);
  });

  it('emits unsolicited error frames as error events', async () => {
    const { server, client, errors } = setup();
    await client.join('r');
    server.last.receive({ type: 'error', code: 'internal', message: 'boom' });
    expect(errors.map((e) => e.code)).toEqual(['internal']);
  });
});

describe('frames too big for the gateway', () => {
  it('refuses a request over 32 KB itself with payload_too_large, sending nothing', async () => {
    const { server, client } = setup();
    await client.join('r');
    const big = 'x'.repeat(40_000);
    await expect(client.send('r', big)).rejects.toMatchObject({ code: 'payload_too_large' });
    // Multi-byte characters count as UTF-8 bytes: 11,000 three-byte ones are 33,000 bytes.
    await expect(client.send('r', '€'.repeat(11_000))).rejects.toMatchObject({
      code: 'payload_too_large',
    });
    expect(server.last.frames('send_message')).toEqual([]);
    expect(server.sockets).toHaveLength(1);
    expect(client.state).toBe('open');
    // Just under the limit still goes out.
    await expect(client.send('r', 'y'.repeat(30_000))).resolves.toMatchObject({ seq: 1 });
  });

  it('fails the request a 1009 close was about instead of resending it; others go on', async () => {
    const server = new FakeParley();
    server.frameLimit = 2_000; // a gateway with a smaller limit than the SDK's check
    // No rollover: the test runs every pending timer and counts the connections.
    const { client } = setup({ rolloverAfterMs: 0 }, server);
    await client.join('r');
    let outcome: unknown;
    client.send('r', 'x'.repeat(3_000)).then(
      (m) => (outcome = m),
      (e: unknown) => (outcome = e),
    );
    const small = client.send('r', 'small');
    await until(() => client.state === 'reconnecting');
    await reconnect(server, 2);
    await expect(small).resolves.toMatchObject({ content: 'small' });
    expect(outcome).toMatchObject({ name: 'ParleyError', code: 'payload_too_large' });
    expect(server.last.frames('send_message').map((f) => f.content)).toEqual(['small']);
    // Nothing is left to resend: no further connection is opened.
    await vi.runOnlyPendingTimersAsync();
    expect(server.sockets).toHaveLength(2);
  });
});

describe('the offline send queue', () => {
  it('queues sends while not open, up to maxQueuedSends, then rejects with queue_full', async () => {
    const server = new FakeParley();
    server.handshake = 'manual';
    const { client } = setup({ maxQueuedSends: 2 }, server);
    const joining = client.join('r');
    const a = client.send('r', 'a');
    const b = client.send('r', 'b');
    await expect(client.send('r', 'c')).rejects.toMatchObject({ code: 'queue_full' });
    server.last.open();
    await joining;
    expect(contents([await a, await b])).toEqual(['a', 'b']);
    expect(contents(server.messages('r'))).toEqual(['a', 'b']);
  });

  it('counts sends cut off by a drop as waiting again', async () => {
    const { server, client } = setup({ maxQueuedSends: 1 });
    await client.join('r');
    server.silent.add('send_message');
    const first = client.send('r', 'first');
    await until(() => server.last.frames('send_message').length === 1);
    server.last.drop();
    server.handshake = 'manual';
    await expect(client.send('r', 'second')).rejects.toMatchObject({ code: 'queue_full' });
    server.silent.delete('send_message');
    await reconnect(server, 2);
    server.last.open();
    expect((await first).content).toBe('first');
  });
});

describe('presence and close', () => {
  it('tracks who is online from the join reply and presence frames', async () => {
    const { server, client } = setup();
    await client.join('r');
    const changes: string[][] = [];
    client.on('online', ({ users }) => changes.push(users));
    server.last.receive({ type: 'presence', roomId: 'r', userId: 'bob', status: 'online' });
    server.last.receive({ type: 'presence', roomId: 'r', userId: 'alice', status: 'offline' });
    expect(changes).toEqual([['alice', 'bob'], ['bob']]);
    expect(client.online('r')).toEqual(['bob']);
  });

  it('counts who is online beyond a capped list, through presence frames', async () => {
    const { server, client } = setup();
    server.unlistedOnline = 2499; // a big room: the server lists some, counts all
    const joined = await client.join('r');
    expect(joined).toMatchObject({ online: ['alice'], onlineCount: 2500 });
    expect(client.onlineCount('r')).toBe(2500);
    const changes: { users: string[]; count: number }[] = [];
    client.on('online', ({ users, count }) => changes.push({ users, count }));
    server.last.receive({ type: 'presence', roomId: 'r', userId: 'bob', status: 'online' });
    // Unlisted users going offline lower the count; a listed one leaves the list too.
    server.last.receive({ type: 'presence', roomId: 'r', userId: 'zed', status: 'offline' });
    server.last.receive({ type: 'presence', roomId: 'r', userId: 'bob', status: 'offline' });
    expect(changes).toEqual([
      { users: ['alice', 'bob'], count: 2501 },
      { users: ['alice', 'bob'], count: 2500 },
      { users: ['alice'], count: 2499 },
    ]);
    expect(client.onlineCount('r')).toBe(2499);
    expect(await client.join('r')).toMatchObject({ online: ['alice'], onlineCount: 2499 });
  });

  it('counts the listed users when the server sends no onlineCount, and never below them', async () => {
    const { server, client } = setup();
    server.silent.add('join_room'); // answered by hand, as a server without onlineCount
    const joining = client.join('r');
    await until(() => server.sockets.at(-1)?.frames('join_room').length === 1, 'a join');
    const { requestId } = server.last.frames('join_room')[0]!;
    server.last.receive({
      type: 'room_history',
      roomId: 'r',
      messages: [],
      hasMore: false,
      online: ['alice', 'bob'],
      lastSeq: 0,
      requestId,
    });
    expect(await joining).toMatchObject({ online: ['alice', 'bob'], onlineCount: 2 });
    server.last.receive({ type: 'presence', roomId: 'r', userId: 'carol', status: 'offline' });
    expect(client.onlineCount('r')).toBe(2);
  });

  it("takes a big room's count from presence_count", async () => {
    const { server, client } = setup();
    await client.join('r');
    const counts: number[] = [];
    client.on('online', ({ count }) => counts.push(count));
    expect(client.onlineCount('r')).toBe(1);
    server.last.receive({ type: 'presence_count', roomId: 'r', online: 4_321 });
    server.last.receive({ type: 'presence_count', roomId: 'elsewhere', online: 7 });
    expect(counts).toEqual([4_321]);
    expect(client.onlineCount('r')).toBe(4_321);
    expect(client.online('r')).toEqual(['alice']);
  });

  it('close() ends in closed and rejects pending calls with closed', async () => {
    const { server, client, states } = setup();
    await client.join('r');
    server.silent.add('get_history');
    const reading = client.history('r').catch((e: unknown) => e);
    await client.close();
    expect(await reading).toMatchObject({ code: 'closed' });
    expect(client.state).toBe('closed');
    expect(states).toEqual(['open', 'closed']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
