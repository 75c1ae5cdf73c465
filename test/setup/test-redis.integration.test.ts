/**
 * The Redis a run starts for itself when REDIS_URL is not set: a fresh server on a free
 * port, which answers, is not a developer's 127.0.0.1:6379, and is gone after the run.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startTestRedis } from '../support/test-redis.js';

async function ping(url: string): Promise<string> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await redis.ping();
  } finally {
    redis.disconnect();
  }
}

/** A bare TCP connect: refused once the server is gone. */
function connect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

describe('startTestRedis', () => {
  it("starts a redis-server of the run's own, empty, and stops it", async () => {
    const redis = await startTestRedis({ kind: 'own' });
    const url = redis.url!;
    try {
      expect(new URL(url).port).not.toBe('6379');
      expect(await ping(url)).toBe('PONG');
      const client = new Redis(url);
      expect(await client.dbsize()).toBe(0);
      client.disconnect();
    } finally {
      await redis.stop();
    }
    await expect(connect(Number(new URL(url).port))).rejects.toThrow(/ECONNREFUSED/);
  });

  it('uses the given REDIS_URL and starts nothing', async () => {
    const redis = await startTestRedis({ kind: 'given', url: 'redis://127.0.0.1:7777' });
    expect(redis.url).toBe('redis://127.0.0.1:7777');
    await redis.stop();
  });

  it('has no address for the stand-in, so no client can fall back to 6379', async () => {
    const redis = await startTestRedis({ kind: 'stand-in' });
    expect(redis.url).toBeUndefined();
  });
});
