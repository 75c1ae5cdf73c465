/**
 * A new client's first connection. With the offline queue off, a client rejects commands
 * until it is connected, so whoever creates one waits for it before handing it to the
 * cache. A Redis that is down must not fail that caller: the wait ends on the first failed
 * attempt or after `timeoutMs` (a server that accepts connections but never answers), the
 * client keeps reconnecting in the background, and meanwhile the cache's commands fail at
 * once, so the routes that can fall back to the durable stores still work.
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
