import { describe, expect, it } from 'vitest';
import type { Message } from '../../../../functions/core/message.js';
import { MemoryRoomCache } from '../../../../functions/stores/memory/room-cache.js';
import { missVersion } from '../../../support/room-cache.js';

const VIEW = { onlineMax: 100, othersMax: 100 };

function msg(seq: number, roomId = 'r'): Message {
  return {
    id: `id-${seq}`,
    roomId,
    seq,
    userId: 'u',
    content: `m${seq}`,
    createdAt: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
  };
}

const a1 = { connectionId: 'a1', userId: 'alice' };
const a2 = { connectionId: 'a2', userId: 'alice' };
const b1 = { connectionId: 'b1', userId: 'bob' };

describe('MemoryRoomCache: room connections', () => {
  it('misses on a room it never saw', async () => {
    const cache = new MemoryRoomCache();
    const cached = await cache.roomConnections('r');
    expect(cached.connections).toBeUndefined();
    expect(typeof cached.version).toBe('string');
    expect(await cache.isInRoom('r', 'a1')).toBeUndefined();
  });

  it('serves connections after a fill with the version read on the miss', async () => {
    const cache = new MemoryRoomCache();
    const version = await missVersion(cache, 'r');
    await cache.fillRoomConnections('r', [a1, b1], version);
    expect((await cache.roomConnections('r')).connections).toEqual([a1, b1]);
    expect(await cache.isInRoom('r', 'a1')).toBe(true);
    expect(await cache.isInRoom('r', 'zz')).toBe(false);
  });

  it('merges a join made on the uncached room between the read and the fill', async () => {
    const cache = new MemoryRoomCache();
    const version = await missVersion(cache, 'r');
    expect(await cache.addRoomConnection('r', b1, VIEW)).toBeUndefined();
    await cache.fillRoomConnections('r', [a1], version);
    expect((await cache.roomConnections('r')).connections).toEqual([a1, b1]);
  });

  it('merges a leave made between the read and the fill (no resurrection)', async () => {
    const cache = new MemoryRoomCache();
    const version = await missVersion(cache, 'r');
    expect(await cache.removeRoomConnection('r', 'a1', VIEW)).toBeUndefined();
    await cache.fillRoomConnections('r', [a1, b1], version);
    expect((await cache.roomConnections('r')).connections).toEqual([b1]);
    expect(await cache.isInRoom('r', 'a1')).toBe(false);
  });

  it('keeps its epoch across joins and leaves, and makes a new one after a flush', async () => {
    const cache = new MemoryRoomCache();
    const v0 = await missVersion(cache, 'r');
    await cache.addRoomConnection('r', a1, VIEW);
    await cache.removeRoomConnection('r', 'a1', VIEW);
    expect(await missVersion(cache, 'r')).toBe(v0);
    cache.flush();
    const v1 = await missVersion(cache, 'r');
    expect(v1).not.toBe(v0);
    await cache.fillRoomConnections('r', [a1], v0); // read across the flush: refused
    expect((await cache.roomConnections('r')).connections).toBeUndefined();
    await cache.fillRoomConnections('r', [b1], v1);
    expect((await cache.roomConnections('r')).connections).toEqual([b1]);
  });

  it('add says who is online and, for a first connection, who to tell; undefined on a miss', async () => {
    const cache = new MemoryRoomCache();
    expect(await cache.addRoomConnection('r', a1, VIEW)).toBeUndefined();
    await cache.fillRoomConnections('r', [], await missVersion(cache, 'r'));
    expect(await cache.addRoomConnection('r', a1, VIEW)).toMatchObject({
      online: ['alice'],
      userHasOthers: false,
      others: [],
    });
    expect(await cache.addRoomConnection('r', b1, VIEW)).toMatchObject({
      online: ['alice', 'bob'],
      userHasOthers: false,
      others: [a1],
    });
    expect(await cache.addRoomConnection('r', a2, VIEW)).toMatchObject({
      online: ['alice', 'bob'],
      userHasOthers: true,
    });
    expect((await cache.roomConnections('r')).connections).toEqual([a1, b1, a2]);
  });

  it('remove says whether the user is still here and, if not, who to tell', async () => {
    const cache = new MemoryRoomCache();
    expect(await cache.removeRoomConnection('r', 'a1', VIEW)).toBeUndefined();
    await cache.fillRoomConnections('r', [a1, b1, a2], await missVersion(cache, 'r'));
    expect(await cache.removeRoomConnection('r', 'a1', VIEW)).toMatchObject({
      online: ['bob', 'alice'],
      userHasOthers: true,
    });
    expect(await cache.removeRoomConnection('r', 'a2', VIEW)).toMatchObject({
      online: ['bob'],
      userHasOthers: false,
      others: [b1],
    });
    // Already gone from the cache: nothing changed, nobody is told again.
    expect(await cache.removeRoomConnection('r', 'a2', VIEW)).toMatchObject({
      online: ['bob'],
      userHasOthers: true,
    });
    expect(await cache.removeRoomConnection('r', 'b1', VIEW)).toMatchObject({
      online: [],
      userHasOthers: false,
      others: [],
    });
    expect(await cache.isInRoom('r', 'b1')).toBe(false);
  });

  it('keeps rooms apart', async () => {
    const cache = new MemoryRoomCache();
    await cache.fillRoomConnections('r', [a1], await missVersion(cache, 'r'));
    expect((await cache.roomConnections('other')).connections).toBeUndefined();
  });

  it('flush drops everything', async () => {
    const cache = new MemoryRoomCache();
    await cache.fillRoomConnections('r', [a1], await missVersion(cache, 'r'));
    await cache.fillRecentMessages('r', { floor: 1, messages: [msg(1)] });
    cache.flush();
    expect((await cache.roomConnections('r')).connections).toBeUndefined();
    expect(await cache.recentMessages('r')).toBeUndefined();
  });
});

describe('MemoryRoomCache: recent messages', () => {
  it('misses until filled', async () => {
    const cache = new MemoryRoomCache();
    expect(await cache.recentMessages('r')).toBeUndefined();
  });

  it('does not create a window from appends alone', async () => {
    const cache = new MemoryRoomCache();
    await cache.appendRecentMessage('r', msg(1));
    expect(await cache.recentMessages('r')).toBeUndefined();
  });

  it('serves a filled window, and appends after it', async () => {
    const cache = new MemoryRoomCache(10);
    await cache.fillRecentMessages('r', { floor: 1, messages: [msg(1), msg(2)] });
    await cache.appendRecentMessage('r', msg(3));
    expect(await cache.recentMessages('r')).toEqual({
      floor: 1,
      messages: [msg(1), msg(2), msg(3)],
    });
  });

  it('serves no window for an empty room, and one once its first message lands', async () => {
    const cache = new MemoryRoomCache(10);
    await cache.fillRecentMessages('r', { floor: 1, messages: [] });
    expect(await cache.recentMessages('r')).toBeUndefined();
    await cache.appendRecentMessage('r', msg(1));
    expect(await cache.recentMessages('r')).toEqual({ floor: 1, messages: [msg(1)] });
  });

  it('trims to the window size and moves the floor up with it', async () => {
    const cache = new MemoryRoomCache(3);
    await cache.fillRecentMessages('r', { floor: 1, messages: [msg(1), msg(2), msg(3)] });
    await cache.appendRecentMessage('r', msg(4));
    expect(await cache.recentMessages('r')).toEqual({
      floor: 2,
      messages: [msg(2), msg(3), msg(4)],
    });
    await cache.appendRecentMessage('r', msg(5));
    await cache.appendRecentMessage('r', msg(6));
    expect(await cache.recentMessages('r')).toEqual({
      floor: 4,
      messages: [msg(4), msg(5), msg(6)],
    });
  });

  it('trims a fill larger than the window', async () => {
    const cache = new MemoryRoomCache(2);
    await cache.fillRecentMessages('r', { floor: 1, messages: [msg(1), msg(2), msg(3)] });
    expect(await cache.recentMessages('r')).toEqual({ floor: 2, messages: [msg(2), msg(3)] });
  });

  it('keeps a gap visible (a lost append) until it falls below the floor', async () => {
    const cache = new MemoryRoomCache(3);
    await cache.fillRecentMessages('r', { floor: 1, messages: [msg(1), msg(2)] });
    await cache.appendRecentMessage('r', msg(4)); // seq 3 never reached the cache
    const gappy = await cache.recentMessages('r');
    expect(gappy?.floor).toBe(1);
    expect(gappy?.messages.map((m) => m.seq)).toEqual([1, 2, 4]);
    await cache.appendRecentMessage('r', msg(5));
    await cache.appendRecentMessage('r', msg(6));
    expect(await cache.recentMessages('r')).toEqual({
      floor: 4,
      messages: [msg(4), msg(5), msg(6)],
    });
  });

  it('an append that repeats a seq replaces it, not duplicates it', async () => {
    const cache = new MemoryRoomCache(10);
    await cache.fillRecentMessages('r', { floor: 1, messages: [msg(1)] });
    await cache.appendRecentMessage('r', msg(1));
    expect((await cache.recentMessages('r'))?.messages).toEqual([msg(1)]);
  });
});

describe('MemoryRoomCache: bounded, as Redis is by eviction', () => {
  it('holds at most maxRooms rooms however many distinct rooms are read or written', async () => {
    const cache = new MemoryRoomCache(10, 50);
    for (let i = 0; i < 1_000; i++) {
      // Every kind of call that makes an entry for a room it has not seen.
      await cache.roomConnections(`read-${i}`);
      await cache.removeRoomConnection(`left-${i}`, 'a1', VIEW);
      await cache.claimPresenceCount(`count-${i}`, 60);
      await cache.appendRecentMessage(`sent-${i}`, msg(1, `sent-${i}`));
    }
    expect(cache.size).toBe(50);
  });

  it('drops the least recently used room, which then misses and refills', async () => {
    const cache = new MemoryRoomCache(10, 2);
    await cache.fillRoomConnections('a', [a1], await missVersion(cache, 'a'));
    await cache.fillRoomConnections('b', [b1], await missVersion(cache, 'b'));
    expect((await cache.roomConnections('a')).connections).toEqual([a1]); // a is now the newer
    await cache.fillRoomConnections('c', [a2], await missVersion(cache, 'c')); // drops b
    expect((await cache.roomConnections('a')).connections).toEqual([a1]);
    expect(await cache.isInRoom('b', 'b1')).toBeUndefined();
    await cache.fillRoomConnections('b', [b1], await missVersion(cache, 'b'));
    expect((await cache.roomConnections('b')).connections).toEqual([b1]);
  });

  it('refuses a fill whose version was read before its room was dropped', async () => {
    const cache = new MemoryRoomCache(10, 1);
    const stale = await missVersion(cache, 'a');
    await cache.roomConnections('b'); // drops a, and its epoch with it
    await cache.fillRoomConnections('a', [a1], stale);
    expect((await cache.roomConnections('a')).connections).toBeUndefined();
  });

  it('refuses a bound that is not a whole number of at least one room', () => {
    expect(() => new MemoryRoomCache(10, 0)).toThrow(/maxRooms/);
  });
});
