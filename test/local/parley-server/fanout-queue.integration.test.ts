/**
 * The fan-out queue end to end, with the real handlers: a room bigger than the inline
 * limit is posted by the fan-out worker through the emulated SQS queue (the real
 * `@aws-sdk/client-sqs` against the local gateway), and a big room's presence arrives as
 * `presence_count`. The limits are shrunk so that five connections make a big room.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Message } from '../../../functions/core/message.js';
import type { ChatClient } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({
    FANOUT_INLINE_MAX: '2',
    PRESENCE_FULL_MAX: '2',
    PRESENCE_COUNT_MIN_SECONDS: '1',
  });
});
afterAll(() => parley.close());

async function crowd(room: string, n: number): Promise<ChatClient[]> {
  const clients = await Promise.all(
    Array.from({ length: n }, (_, i) => parley.connect(`member-${i}`)),
  );
  for (const client of clients) {
    expect(await client.joinWhenAvailable(room)).toMatchObject({ type: 'room_history' });
  }
  return clients;
}

it('delivers a message to a room past the inline limit, through the queue, once each', async () => {
  const room = uid();
  const [alice, ...others] = await crowd(room, 5);
  const sent = await alice!.send(room, 'through the queue');
  const delivered = await Promise.all(others.map((c) => c.nextMessage(room, sent.content)));
  for (const frame of delivered) expect((frame.message as Message).seq).toBe(sent.seq);
  // The worker took the room's posts: they went through the queue, not the sender's call.
  expect(parley.server.queues.stats.invocations).toBeGreaterThan(0);
  await parley.server.queues.idle();
  for (const c of others) expect(c.received(room)).toHaveLength(1);
  expect(alice!.received(room)).toEqual([]);
  await Promise.all([alice!, ...others].map((c) => c.close()));
});

it('tells a big room how many are online instead of who came, at a bounded rate', async () => {
  const room = uid();
  const members = await crowd(room, 4);
  const late = await parley.connect('latecomer');
  const joined = await late.join(room);
  expect(joined).toMatchObject({ onlineCount: 5 });
  // The count is read when its period ends, so it covers the latecomer however the joins
  // and the period fall: a count of 5 arrives (an earlier one may have said 4).
  const count = await members[0]!.next(
    (f) => f.type === 'presence_count' && f.roomId === room && f.online === 5,
  );
  expect(count).toEqual({ type: 'presence_count', roomId: room, online: 5 });
  // Nobody was told who the latecomer is: past PRESENCE_FULL_MAX the room hears counts.
  expect(
    members[0]!.frames.filter((f) => f.type === 'presence' && f.userId === 'latecomer'),
  ).toEqual([]);
  await Promise.all([...members, late].map((c) => c.close()));
});
