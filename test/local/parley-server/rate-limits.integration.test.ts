/**
 * Rate limits end to end (docs/protocol.md "Limits"): real WebSocket clients, the local
 * gateway, the handlers' limiter on the run's Redis (or the stand-in). A user who floods is
 * answered `rate_limited` with `retryAfterMs`; another user in the same room, meanwhile,
 * sends as usual. The send buckets refill at one token a second, so whatever the machine's
 * speed the flood of 20 cannot all be taken.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestParley, type TestParley } from '../../support/parley.js';
import { uid } from '../../support/services.js';

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({
    SEND_RATE_PER_USER: '1',
    SEND_BURST_PER_USER: '3',
    MAX_ROOMS_PER_CONNECTION: '2',
  });
});
afterAll(() => parley.close());

describe('rate limits through the gateway', () => {
  it("answers one user's flood rate_limited while another user's sends go through", async () => {
    const room = uid('room');
    const mallory = await parley.connect(uid('mallory'));
    const bob = await parley.connect(uid('bob'));
    try {
      expect((await mallory.join(room)).type).toBe('room_history');
      expect((await bob.join(room)).type).toBe('room_history');

      const flood = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          mallory.request({ action: 'send_message', roomId: room, content: `spam ${i}` }),
        ),
      );
      const acked = flood.filter((f) => f.type === 'ack');
      const limited = flood.filter((f) => f.type === 'error' && f.code === 'rate_limited');
      expect(acked.length + limited.length).toBe(20);
      expect(acked.length).toBeGreaterThanOrEqual(3);
      expect(limited.length).toBeGreaterThan(0);
      for (const refusal of limited) {
        expect(refusal.retryAfterMs).toEqual(expect.any(Number));
        expect(refusal.retryAfterMs).toBeGreaterThan(0);
        expect(refusal.retryAfterMs).toBeLessThanOrEqual(1000);
      }

      // Bob's buckets are his own: his burst is whole.
      for (let i = 0; i < 3; i++) await bob.send(room, `bob ${i}`);
      await mallory.nextMessage(room, 'bob 2');
    } finally {
      await Promise.all([mallory.close(), bob.close()]);
    }
  });

  it('refuses a join past the rooms-per-connection cap as forbidden', async () => {
    const alice = await parley.connect(uid('alice'));
    try {
      expect((await alice.join(uid('a'))).type).toBe('room_history');
      expect((await alice.join(uid('b'))).type).toBe('room_history');
      const refused = await alice.join(uid('c'));
      expect(refused).toMatchObject({ type: 'error', code: 'forbidden' });
      expect(String(refused.message)).toMatch(/at most 2 rooms/);
    } finally {
      await alice.close();
    }
  });
});
