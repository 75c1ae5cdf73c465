/**
 * The RateLimiter contract, run against every implementation: Redis (bare and behind the
 * circuit breaker) and the in-memory stand-in, which is also the fakes' limiter (there is
 * no other fake). No test waits for less than the time it asserts about: the clocks are
 * real (Redis's own TIME), so every bucket here either refills far slower than a test runs
 * or is waited for longer than the limiter said.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RateCharge, RateLimiter } from '../../../../functions/core/ports.js';
import { uid } from '../../../support/services.js';

export type LimiterFactory = () => Promise<[RateLimiter, () => Promise<void>]>;

/** A bucket that refills one token in 1000 s: nothing refills while a test runs. */
const still = (key: string, burst: number): RateCharge => ({ key, rate: 0.001, burst });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function rateLimiterContract(name: string, factory: LimiterFactory) {
  describe(`RateLimiter contract: ${name}`, () => {
    let limiter: RateLimiter;
    let cleanup: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      [limiter, cleanup] = await factory();
    });
    afterAll(() => cleanup?.());

    it('lets a fresh bucket pay its burst, then refuses with a wait', async () => {
      const user = uid('user');
      const bucket = { key: 'send', rate: 1, burst: 3 };
      for (let i = 0; i < 3; i++) expect(await limiter.take(user, [bucket])).toEqual({ ok: true });
      const refused = await limiter.take(user, [bucket]);
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      // One token at 1 a second: at most a second away, and never 0.
      expect(refused.retryAfterMs).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(1000);
      expect(Number.isInteger(refused.retryAfterMs)).toBe(true);
    });

    it('charges every bucket or none: a refusal costs the others nothing', async () => {
      const user = uid('user');
      const small = still('small', 1);
      const big = still('big', 3);
      expect(await limiter.take(user, [small, big])).toEqual({ ok: true });
      // `small` is empty: refused, and `big` keeps its two tokens.
      expect((await limiter.take(user, [small, big])).ok).toBe(false);
      expect((await limiter.take(user, [small, big])).ok).toBe(false);
      expect(await limiter.take(user, [big])).toEqual({ ok: true });
      expect(await limiter.take(user, [big])).toEqual({ ok: true });
      expect((await limiter.take(user, [big])).ok).toBe(false);
    });

    it('says how long until every bucket could pay: the longest wait', async () => {
      const user = uid('user');
      const slow = still('slow', 1);
      const fast = { key: 'fast', rate: 1000, burst: 1 };
      expect(await limiter.take(user, [slow, fast])).toEqual({ ok: true });
      const refused = await limiter.take(user, [fast, slow]);
      // `slow` needs most of 1000 s, `fast` a millisecond: the answer is slow's.
      expect(refused).toMatchObject({ ok: false });
      expect(!refused.ok && refused.retryAfterMs).toBeGreaterThan(100_000);
    });

    it('keeps buckets apart by scope and by key', async () => {
      const alice = uid('alice');
      const bob = uid('bob');
      expect(await limiter.take(alice, [still('send', 1)])).toEqual({ ok: true });
      expect((await limiter.take(alice, [still('send', 1)])).ok).toBe(false);
      // Another user's bucket of the same name, and another bucket of the same user.
      expect(await limiter.take(bob, [still('send', 1)])).toEqual({ ok: true });
      expect(await limiter.take(alice, [still('join', 1)])).toEqual({ ok: true });
    });

    it('keeps a scope with braces and colons apart from its look-alikes', async () => {
      const base = uid('u');
      const tricky = `${base}}:send`;
      expect(await limiter.take(base, [still('send', 1)])).toEqual({ ok: true });
      expect(await limiter.take(tricky, [still('send', 1)])).toEqual({ ok: true });
      expect(await limiter.take(`{${base}`, [still('send', 1)])).toEqual({ ok: true });
    });

    it('lets concurrent takes pay no more than the burst', async () => {
      const user = uid('user');
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => limiter.take(user, [still('frame', 5)])),
      );
      expect(answers.filter((a) => a.ok)).toHaveLength(5);
    });

    it('refills: once the wait it gave has passed, the bucket pays again', async () => {
      const user = uid('user');
      const bucket = { key: 'send', rate: 50, burst: 1 };
      expect(await limiter.take(user, [bucket])).toEqual({ ok: true });
      const refused = await limiter.take(user, [bucket]);
      expect(refused.ok).toBe(false);
      // Waiting longer than told (never shorter) is what a client does.
      await sleep((refused.ok ? 0 : refused.retryAfterMs) + 5);
      expect(await limiter.take(user, [bucket])).toEqual({ ok: true });
    });

    it('never refuses a call that names no bucket', async () => {
      expect(await limiter.take(uid('user'), [])).toEqual({ ok: true });
    });
  });
}
