/**
 * A backing store that is down: the requests that need it get `unavailable` (or the
 * handshake 503), the connection stays open, the process stays up, and nothing a client
 * sees names the store's address. Each store in turn points at a port nothing listens on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChatClient } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

const NOWHERE = '127.0.0.1:1';
let parley: TestParley | undefined;
afterEach(async () => {
  await parley?.close();
  parley = undefined;
});

describe('PostgreSQL down', () => {
  it('answers unavailable and keeps serving', async () => {
    parley = await startTestParley({ DATABASE_URL: `postgres://postgres@${NOWHERE}/nowhere` });
    const alice = await parley.connect('alice');
    const reply = await alice.request({ action: 'join_room', roomId: uid() });
    expect(reply).toMatchObject({ type: 'error', code: 'unavailable' });
    expect(String(reply.message)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    const again = await alice.request({ action: 'dance' });
    expect(again).toMatchObject({ type: 'error', code: 'unknown_action' });
    await alice.close();
  });
});

describe('Redis down', () => {
  it('refuses joins with unavailable, writing nothing half, and keeps serving', async () => {
    parley = await startTestParley({ REDIS_URL: `redis://${NOWHERE}` });
    const alice = await parley.connect('alice');
    const room = uid();
    const reply = await alice.request({ action: 'join_room', roomId: room });
    expect(reply).toMatchObject({ type: 'error', code: 'unavailable' });
    // The DynamoDB half of the join was undone: reading the room is still forbidden.
    const read = await alice.request({ action: 'get_history', roomId: room });
    expect(read).toMatchObject({ type: 'error', code: 'forbidden' });
    await alice.close();
  });
});

describe('DynamoDB down', () => {
  it('refuses the handshake with 503 and stays up', async () => {
    parley = await startTestParley({ DYNAMODB_ENDPOINT: `http://${NOWHERE}` });
    const refused = await ChatClient.connect(parley.url, await parley.token('alice')).catch(
      (error: { status?: number }) => error,
    );
    expect((refused as { status?: number }).status).toBe(503);
  });
});
