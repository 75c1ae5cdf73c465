import { describe, expect, it } from 'vitest';
import { successorOwner } from '../../../functions/core/erasure.js';
import { pageFromWindow } from '../../../functions/core/history-window.js';
import type { Message } from '../../../functions/core/message.js';
import type { RetentionStore } from '../../../functions/core/ports.js';
import {
  historyStart,
  planPurgeBatch,
  retentionCutoff,
} from '../../../functions/core/retention.js';
import { purgeExpiredMessages } from '../../../functions/core/retention-purge.js';

const DAY = 86_400_000;
const aged = (seq: number, createdAtMs: number) => ({ seq, createdAtMs });

describe('retentionCutoff', () => {
  it('is retentionDays whole days before now', () => {
    expect(retentionCutoff(10 * DAY, 3)).toBe(7 * DAY);
  });
});

describe('planPurgeBatch', () => {
  it('purges the run of old messages up to the first young one', () => {
    expect(planPurgeBatch([aged(5, 1), aged(6, 2), aged(7, 50), aged(8, 3)], 10, 4)).toEqual({
      firstSeq: 7,
      more: false,
    });
  });

  it('purges nothing when the oldest kept message is young, or there is none', () => {
    expect(planPurgeBatch([aged(5, 50), aged(6, 1)], 10, 4)).toBeUndefined();
    expect(planPurgeBatch([], 10, 4)).toBeUndefined();
  });

  it('takes a whole old batch and says more may follow only when the batch was full', () => {
    expect(planPurgeBatch([aged(1, 1), aged(2, 2)], 10, 2)).toEqual({ firstSeq: 3, more: true });
    expect(planPurgeBatch([aged(1, 1), aged(2, 2)], 10, 5)).toEqual({ firstSeq: 3, more: false });
  });
});

describe('historyStart', () => {
  it('adds firstSeq to a reply only once history before seq 1 is gone', () => {
    expect(historyStart(undefined)).toEqual({});
    expect(historyStart(1)).toEqual({});
    expect(historyStart(41)).toEqual({ firstSeq: 41 });
  });
});

function msg(seq: number): Message {
  return { id: `id-${seq}`, roomId: 'r', seq, userId: 'u', content: `m${seq}`, createdAt: '' };
}
const window = (from: number, to: number, firstSeq?: number) => ({
  floor: from,
  messages: Array.from({ length: to - from + 1 }, (_, i) => msg(from + i)),
  ...(firstSeq === undefined ? {} : { firstSeq }),
});

describe('pageFromWindow after a purge', () => {
  it('claims no older messages when the window reaches the first kept seq', () => {
    const page = pageFromWindow(window(41, 50, 41), { limit: 20 });
    expect(page?.messages.map((m) => m.seq)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(page?.hasMore).toBe(false);
    expect(page?.firstSeq).toBe(41);
  });

  it('still has more when kept messages lie below the page', () => {
    expect(pageFromWindow(window(41, 60, 30), { limit: 20 })?.hasMore).toBe(true);
  });

  it('answers a page before the first kept seq as empty, not from PostgreSQL', () => {
    const page = pageFromWindow(window(41, 50, 41), { before: 41, limit: 20 });
    expect(page).toEqual({ messages: [], hasMore: false, firstSeq: 41 });
  });

  it('serves a join since 0 from a window that starts at the first kept seq', () => {
    const page = pageFromWindow(window(41, 45, 41), { after: 0, limit: 20 });
    expect(page?.messages.map((m) => m.seq)).toEqual([41, 42, 43, 44, 45]);
  });

  it('keeps the v1 rule without a firstSeq: older messages exist above seq 1', () => {
    expect(pageFromWindow(window(41, 50), { limit: 10 })?.hasMore).toBe(true);
  });
});

/** A room's messages as (seq, createdAtMs), the store the purge sees. */
function memoryRetention(rooms: Record<string, { days: number; created: number[] }>) {
  const firstSeq: Record<string, number> = Object.fromEntries(
    Object.keys(rooms).map((id) => [id, 1]),
  );
  const calls: string[] = [];
  const store: RetentionStore = {
    async roomsWithRetention(after, limit) {
      return Object.keys(rooms)
        .sort()
        .filter((id) => id > after)
        .slice(0, limit)
        .map((roomId) => ({ roomId, retentionDays: rooms[roomId]!.days }));
    },
    async oldestMessages(roomId, limit) {
      const created = rooms[roomId]!.created;
      const from = firstSeq[roomId]!;
      return created
        .map((at, i) => aged(i + 1, at))
        .filter((m) => m.seq >= from)
        .slice(0, limit);
    },
    async purgeBelow(roomId, seq) {
      calls.push(`${roomId}<${seq}`);
      const deleted = Math.max(0, seq - firstSeq[roomId]!);
      firstSeq[roomId] = Math.max(firstSeq[roomId]!, seq);
      return deleted;
    },
  };
  return { store, firstSeq, calls };
}

describe('purgeExpiredMessages', () => {
  const quiet = { info() {}, warn() {}, error() {} };

  it('purges in bounded batches, oldest first, and drops each purged room’s window', async () => {
    const now = 100 * DAY;
    const old = now - 40 * DAY;
    const world = memoryRetention({
      a: { days: 30, created: [old, old, old, old, old, now, now] },
      b: { days: 30, created: [now, now] },
    });
    const forgotten: string[] = [];
    const report = await purgeExpiredMessages(
      {
        store: world.store,
        cache: { forgetRecentMessages: async (id) => void forgotten.push(id) },
        log: quiet,
      },
      { nowMs: now, batchSize: 2, roomPage: 1 },
    );
    expect(world.calls).toEqual(['a<3', 'a<5', 'a<6']);
    expect(report).toEqual({
      roomsChecked: 2,
      purged: [{ roomId: 'a', deleted: 5, firstSeq: 6 }],
      stopped: false,
    });
    expect(forgotten).toEqual(['a']);
  });

  it('stops between batches when asked, having dropped the window of what it purged', async () => {
    const world = memoryRetention({ a: { days: 1, created: [0, 0, 0, 0, 0] } });
    const forgotten: string[] = [];
    let batches = 0;
    const report = await purgeExpiredMessages(
      {
        store: world.store,
        cache: { forgetRecentMessages: async (id) => void forgotten.push(id) },
        log: quiet,
      },
      { nowMs: 10 * DAY, batchSize: 2, shouldStop: () => batches++ >= 1 },
    );
    expect(world.calls).toEqual(['a<3']);
    expect(report.purged).toEqual([{ roomId: 'a', deleted: 2, firstSeq: 3 }]);
    expect(forgotten).toEqual(['a']);
  });
});

describe('successorOwner', () => {
  const m = (
    userId: string,
    role: 'admin' | 'member' | 'owner',
    joinedAt: string,
    banned = false,
  ) => ({
    userId,
    role,
    joinedAt,
    ...(banned ? { banned: true as const } : {}),
  });

  it('picks the longest-standing admin before any member', () => {
    expect(
      successorOwner([
        m('old-member', 'member', '2020-01-01T00:00:00Z'),
        m('new-admin', 'admin', '2025-01-01T00:00:00Z'),
        m('old-admin', 'admin', '2024-01-01T00:00:00Z'),
      ]),
    ).toBe('old-admin');
  });

  it('passes over banned members, and leaves the room ownerless when nobody is left', () => {
    expect(
      successorOwner([
        m('banned', 'admin', '2020-01-01T00:00:00Z', true),
        m('member', 'member', '2024-01-01T00:00:00Z'),
      ]),
    ).toBe('member');
    expect(successorOwner([m('banned', 'member', '2020-01-01T00:00:00Z', true)])).toBeUndefined();
    expect(successorOwner([])).toBeUndefined();
  });
});
