/**
 * A backing store that is down: the requests that need it get `unavailable`, the
 * connection stays open and the process stays up. PostgreSQL here points at a port
 * nothing listens on.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../support/parley.js';
import { uid } from '../support/services.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' });
});
afterAll(() => parley.close());

it('answers unavailable when PostgreSQL is down and keeps serving', async () => {
  const alice = await parley.connect('alice');
  const reply = await alice.request({ action: 'join_room', roomId: uid() });
  expect(reply).toMatchObject({ type: 'error', code: 'unavailable' });
  expect(String(reply.message)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  const again = await alice.request({ action: 'dance' });
  expect(again).toMatchObject({ type: 'error', code: 'unknown_action' });
  await alice.close();
});
