/**
 * The PresenceCache contract on the in-process stand-in (PARLEY_CACHE=memory, and the
 * fakes' presence cache), then what it adds: forgetting everything, as a flush would.
 */
import { describe, expect, it } from 'vitest';
import { MemoryPresenceCache } from '../../../../functions/stores/memory/presence-cache.js';
import { presenceCacheContract } from '../../core/ports/presence-cache.contract.js';

presenceCacheContract('in-memory stand-in', async () => [
  new MemoryPresenceCache(),
  async () => {},
]);

describe('MemoryPresenceCache', () => {
  it('forgets heartbeats and statuses as a flush would', async () => {
    const cache = new MemoryPresenceCache();
    await cache.touch('c1', 1000);
    await cache.putStatus('u1', { status: 'dnd' });
    cache.forget();
    expect(await cache.lastActive(['c1'], 5000)).toEqual([5000]);
    expect(await cache.statuses(['u1'])).toEqual([undefined]);
  });

  it('lets a typing start lapse after its expiry, on its own clock', async () => {
    let now = 1000;
    const cache = new MemoryPresenceCache(() => now);
    const timing = { now, throttleMs: 2000, expiryMs: 10_000 };
    expect(await cache.typing('u', 'r', 'start', timing)).toBe(true);
    now += 10_000;
    // The start lapsed: receivers dropped the typer, so a stop is no news.
    expect(await cache.typing('u', 'r', 'stop', { ...timing, now })).toBe(false);
  });
});
