/**
 * Posts that API Gateway throttles (429 `LimitExceededException`, the account's quota,
 * which every API and callback in the region shares) are tried again later through the
 * fan-out queue, not logged and dropped: every member of a room gets the message even when
 * the quota refuses most of the first posts. The gateway's quota is shrunk to 20 posts/s
 * (burst 20) so that a room of 60 runs into it; the SDK sender, as on AWS.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

const MEMBERS = 60;

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley(
    {},
    { limits: { accountThrottle: { ratePerSecond: 20, burst: 20 } } },
  );
});
afterAll(() => parley.close());

it('delivers to every member of a room whose posts the account quota throttles', async () => {
  const { gateway } = parley.server;
  const room = uid('throttled');
  // One user for the members, so that their joins announce nothing and spend no quota.
  const opened = await gateway.virtual.open(MEMBERS, {
    token: await parley.token(uid('member')),
    concurrency: 4,
  });
  expect(opened.connectionIds).toHaveLength(MEMBERS);
  const join = JSON.stringify({ action: 'join_room', roomId: room, limit: 1 });
  const joined = gateway.virtual.watch(`"type":"room_history","roomId":"${room}"`);
  // The join replies draw from the quota too: a member whose reply was refused joins again.
  let missing = opened.connectionIds;
  while (missing.length > 0) {
    await gateway.virtual.sendMany(missing, join, { concurrency: 4 });
    missing = missing.filter((id) => !joined.has(id));
  }
  joined.stop();

  const sender = await parley.connect(uid('alice'));
  expect((await sender.join(room)).type).toBe('room_history');
  const content = uid('through-the-quota');
  const delivered = gateway.virtual.watch(content);
  await sender.send(room, content);
  // Most of the first posts answer 429; each is handed back and tried again until it passes.
  const result = await delivered.until(MEMBERS, 60_000);
  expect(result.connections).toBe(MEMBERS);
  await sender.close();
});
