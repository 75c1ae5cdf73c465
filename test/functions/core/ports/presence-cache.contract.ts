/**
 * The PresenceCache contract, run against every implementation: Redis (bare and behind
 * the circuit breaker) and the in-memory stand-in, which is also the fakes' presence
 * cache. Times are the `now` each call is given, so nothing here waits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceCache } from '../../../../functions/core/ports.js';
import { uid } from '../../../support/services.js';

export type PresenceCacheFactory = () => Promise<[PresenceCache, () => Promise<void>]>;

const T0 = 1_800_000_000_000;
const timing = (now: number) => ({ now, throttleMs: 2000, expiryMs: 60_000 });

export function presenceCacheContract(name: string, factory: PresenceCacheFactory) {
  describe(`PresenceCache contract: ${name}`, () => {
    let cache: PresenceCache;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      [cache, cleanup] = await factory();
    });
    afterAll(() => cleanup?.());

    it('answers when each connection last sent a frame, in order', async () => {
      const [a, b] = [uid('c'), uid('c')];
      await cache.touch(a, T0);
      await cache.touch(b, T0 + 5);
      await cache.touch(a, T0 + 10);
      expect(await cache.lastActive([b, a], T0 + 99)).toEqual([T0 + 5, T0 + 10]);
      expect(await cache.lastActive([], T0)).toEqual([]);
    });

    it('starts the clock of a connection it has no record of, at the time asked', async () => {
      const c = uid('c');
      expect(await cache.lastActive([c], T0)).toEqual([T0]);
      // Recorded: a later read does not restart it.
      expect(await cache.lastActive([c], T0 + 1000)).toEqual([T0]);
    });

    it('relays a start at most once per throttle period, per user and room', async () => {
      const [user, room] = [uid('u'), uid('r')];
      expect(await cache.typing(user, room, 'start', timing(T0))).toBe(true);
      expect(await cache.typing(user, room, 'start', timing(T0 + 1999))).toBe(false);
      expect(await cache.typing(uid('u'), room, 'start', timing(T0 + 1))).toBe(true);
      expect(await cache.typing(user, uid('r'), 'start', timing(T0 + 1))).toBe(true);
      expect(await cache.typing(user, room, 'start', timing(T0 + 2000))).toBe(true);
    });

    it('relays a stop only while a relayed start lasts, and once', async () => {
      const [user, room] = [uid('u'), uid('r')];
      expect(await cache.typing(user, room, 'stop', timing(T0))).toBe(false);
      await cache.typing(user, room, 'start', timing(T0));
      expect(await cache.typing(user, room, 'stop', timing(T0 + 1))).toBe(true);
      expect(await cache.typing(user, room, 'stop', timing(T0 + 2))).toBe(false);
      // The stop ended the throttle too: typing again is news at once.
      expect(await cache.typing(user, room, 'start', timing(T0 + 3))).toBe(true);
    });

    it('caches statuses, with and without text, and answers misses as undefined', async () => {
      const [a, b, c] = [uid('u'), uid('u'), uid('u')];
      const status = { status: 'away' as const, text: 'lunch 🍜' };
      await cache.putStatus(a, status);
      status.text = 'changed'; // the caller's object is not the cache's
      await cache.putStatus(b, { status: 'dnd' });
      expect(await cache.statuses([a, c, b])).toEqual([
        { status: 'away', text: 'lunch 🍜' },
        undefined,
        { status: 'dnd' },
      ]);
      await cache.putStatus(a, { status: 'online' });
      expect(await cache.statuses([a])).toEqual([{ status: 'online' }]);
    });

    it("drops one user's cached status, and dropping it again or one never cached is fine", async () => {
      const [gone, kept, never] = [uid('u'), uid('u'), uid('u')];
      await cache.putStatus(gone, { status: 'dnd', text: 'bye' });
      await cache.putStatus(kept, { status: 'away' });
      await cache.forgetStatus(gone);
      expect(await cache.statuses([gone, kept])).toEqual([undefined, { status: 'away' }]);
      await cache.forgetStatus(gone);
      await cache.forgetStatus(never);
      expect(await cache.statuses([gone, never])).toEqual([undefined, undefined]);
    });
  });
}
