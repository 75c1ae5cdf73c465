/**
 * The cap on connections per user end to end (docs/protocol.md "Limits (v2)"): real
 * WebSocket clients, the local gateway, $connect on the run's DynamoDB-compatible server.
 * A user at the cap is refused at the handshake with 429; another user is not; once one of
 * the user's connections closes ($disconnect deletes its item), a new one opens.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatClient } from '../../support/chat-client.js';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

const CAP = 2;

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ MAX_CONNECTIONS_PER_USER: String(CAP) });
});
afterAll(() => parley.close());

describe('connections per user through the gateway', () => {
  it('refuses the connection past the cap with 429, and opens one again after a close', async () => {
    const alice = uid('alice');
    const open: ChatClient[] = [];
    try {
      for (let i = 0; i < CAP; i++) open.push(await parley.connect(alice));
      await expect(parley.connect(alice)).rejects.toMatchObject({ status: 429 });
      // Another user's connections are counted apart.
      open.push(await parley.connect(uid('bob')));

      const closing = open.shift();
      await closing?.close();
      // $disconnect runs after the socket closed; until it has, the cap still holds.
      const again = await vi.waitFor(() => parley.connect(alice), {
        timeout: 10_000,
        interval: 50,
      });
      open.push(again);
      await expect(parley.connect(alice)).rejects.toMatchObject({ status: 429 });
    } finally {
      await Promise.all(open.map((client) => client.close()));
    }
  });
});
