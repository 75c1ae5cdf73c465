/**
 * A join refused during a Redis hang leaves nothing behind: its cache write, held by the
 * frozen Redis and run when it resumes, must not list the connection in the room. Else
 * the connection, told `unavailable` and with its DynamoDB half undone, would receive the
 * room's messages and could send to it without joining again.
 */
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatClient, Frame } from '../../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../../support/parley.js';
import { startRedisServer } from '../../../support/redis-servers.js';
import { uid } from '../../../support/services.js';

let parley: TestParley | undefined;
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await parley?.close();
  parley = undefined;
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** Joins until Redis answers again (the handlers' client reconnects on its own schedule). */
async function joinOnceBack(client: ChatClient, room: string): Promise<Frame> {
  for (;;) {
    const reply = await client.join(room);
    if (reply.type === 'room_history') return reply;
    expect(reply).toMatchObject({ type: 'error', code: 'unavailable' });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a join refused while Redis hangs', () => {
  it('does not take effect when Redis resumes', async () => {
    const server = await startRedisServer();
    stops.push(() => server.stop());
    parley = await startTestParley({ REDIS_URL: server.url });
    const look = new Redis(server.url);
    stops.push(() => look.disconnect());
    const alice = await parley.connect('alice');
    const bob = await parley.connect('bob');
    const carol = await parley.connect('carol');
    const room = uid();
    expect(await alice.join(room)).toMatchObject({ type: 'room_history' });
    await alice.send(room, 'before');

    server.pause();
    expect(await bob.join(room)).toMatchObject({ type: 'error', code: 'unavailable' });
    server.resume();
    // Redis runs what it held first (the frozen server had already received bob's join);
    // a join that succeeds after it proves it is answering again.
    expect(await joinOnceBack(carol, room)).toMatchObject({ type: 'room_history' });

    const users = `${parley.redisPrefix}{r:${room}}:users`;
    expect(await look.hexists(users, '@bob')).toBe(0);
    expect(await look.hexists(users, '@carol')).toBe(1);
    const sent = await alice.send(room, 'after');
    // By content: on a loaded machine the fan-out of 'before' can be retried through the
    // queue and reach carol, now a member, first.
    expect((await carol.nextMessage(room, 'after')).message).toEqual(sent);
    expect(await bob.request({ action: 'send_message', roomId: room, content: 'x' })).toMatchObject(
      { type: 'error', code: 'forbidden' },
    );
    expect(bob.frames.filter((f) => f.type === 'new_message')).toEqual([]);
  });
});
