/**
 * A new client's first connection. With the offline queue off, a client refuses commands
 * until it is connected, so a cold start would see its first cache operations refused.
 * The wait for that first attempt is bounded, and a Redis that is down does not fail the
 * waiter: the wait ends on the first failed attempt, or after `timeoutMs` for a server that
 * accepts connections and never answers. The client keeps reconnecting in the background,
 * and meanwhile the cache's operations fail at once, so the routes that can fall back to
 * the durable stores still work.
 */
import type { RedisClient } from './scripts.js';

/** Resolves true once the client is ready, false if its first attempt failed or timed out. */
export function firstConnection(client: RedisClient, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('close', onDown);
      client.off('end', onDown);
      resolve(ready);
    };
    const onReady = () => settle(true);
    const onDown = () => settle(false);
    const timer = setTimeout(onDown, timeoutMs);
    client.once('ready', onReady);
    client.once('close', onDown);
    client.once('end', onDown);
  });
}
