/**
 * What a load makes happen: API Gateway's 32 KB units, connection-minutes, reconnects,
 * and what each limit cuts.
 */
import { describe, expect, it } from 'vitest';
import { HOURS_PER_MONTH } from '../../cost/assumptions.js';
import { loadOf } from '../../cost/load.js';
import { multipliersOf } from '../../cost/multipliers.js';
import { billedMessages, featureMessages, postSeconds, trafficOf } from '../../cost/traffic.js';
import { DEFAULT_LIMITS } from '../../functions/core/limits.js';

const KB = 1024;

describe('billedMessages', () => {
  it('counts a frame in 32 KB units: 33 KB is two messages', () => {
    expect(billedMessages(33 * KB)).toBe(2);
    expect(billedMessages(32 * KB)).toBe(1);
    expect(billedMessages(32 * KB + 1)).toBe(2);
    expect(billedMessages(100)).toBe(1);
    expect(billedMessages(128 * KB)).toBe(4);
  });
});

describe('trafficOf', () => {
  it('bills every connection for every minute of the month', () => {
    const load = loadOf(200, 0, 10, { connectionsPerUser: 2 });
    expect(trafficOf(load).connectionMinutes).toBe(200 * 2 * HOURS_PER_MONTH * 60);
  });

  it('reconnects every connection every 2 hours, each connect through the authorizer', () => {
    const traffic = trafficOf(loadOf(100, 0, 10, { rollover: false }));
    expect(traffic.sessions).toBe((100 * HOURS_PER_MONTH) / 2);
    expect(traffic.invocations.authorizer.count).toBe(traffic.sessions);
    expect(traffic.invocations.joinRoom.count).toBe(traffic.sessions * 3);
  });

  it("replaces every connection at the SDK's rollover, a little before 2 hours", () => {
    const traffic = trafficOf(loadOf(100, 0, 10));
    expect(traffic.sessions).toBeCloseTo((100 * HOURS_PER_MONTH * 60) / 115, 6);
  });

  it('delivers a message to everyone in the room but its sender, and acks the sender', () => {
    const quiet = trafficOf(loadOf(100, 0, 10, { typingSeconds: 0, filesPerDay: 0 }));
    const busy = trafficOf(loadOf(100, 1000, 10, { typingSeconds: 0, filesPerDay: 0 }));
    const perMessage =
      (featureMessages(busy, 'messages') - featureMessages(quiet, 'messages')) /
      ((1000 * HOURS_PER_MONTH) / 24);
    // In: the send; out: the ack and 9 new_messages.
    expect(perMessage).toBeCloseTo(1 + 1 + 9, 6);
  });

  it('sends no typing to rooms past TYPING_MAX_MEMBERS, and relays all of it without limits', () => {
    const big = loadOf(1000, 1000, DEFAULT_LIMITS.typingMaxMembers + 1);
    expect(trafficOf(big).outbound.typing.count).toBe(0);
    expect(trafficOf(big, { limits: false }).outbound.typing.count).toBeGreaterThan(0);
  });

  it("relays a keystroke client's typing at most once per typingThrottleMs", () => {
    const keystrokes = loadOf(100, 1000, 10, { typingSeconds: 6, typingIntervalMs: 300 });
    const limited = trafficOf(keystrokes).outbound.typing.count;
    const unlimited = trafficOf(keystrokes, { limits: false }).outbound.typing.count;
    // 6 s at 300 ms: 20 starts; at most one start per 2 s relayed: 3.
    expect(unlimited / limited).toBeCloseTo(20 / 3, 6);
  });

  it('sends no receipts in rooms past RECEIPTS_MAX_MEMBERS', () => {
    const small = loadOf(1000, 1000, DEFAULT_LIMITS.receiptsMaxMembers);
    const big = loadOf(1000, 1000, DEFAULT_LIMITS.receiptsMaxMembers + 1);
    const receipts = (load: typeof small) => {
      const t = trafficOf(load);
      return t.outbound.reads.count - t.replies.reads;
    };
    expect(receipts(small)).toBeGreaterThan(0);
    expect(receipts(big)).toBe(0);
  });

  it('counts presence in big rooms no more often than the presence_count period', () => {
    const load = loadOf(20_000, 0, 2_000, { rollover: false });
    const limited = trafficOf(load).outbound.presence.count;
    const unlimited = trafficOf(load, { limits: false }).outbound.presence.count;
    expect(limited).toBeLessThan(unlimited);
  });

  it("queues big rooms' deliveries to the fan-out worker, in slices", () => {
    const load = loadOf(1000, 1000, DEFAULT_LIMITS.inlineFanoutMax + 2, { typingSeconds: 0 });
    const traffic = trafficOf(load);
    expect(traffic.invocations.fanoutWorker.count).toBeGreaterThan(0);
    expect(traffic.sqsRequests).toBeGreaterThan(0);
    const inline = trafficOf(loadOf(1000, 1000, 10, { typingSeconds: 0 }));
    expect(inline.invocations.fanoutWorker.count).toBe(0);
  });
});

describe('postSeconds', () => {
  it("takes one post's latency for a reply, and is CPU-bound for a room at 512 MB", () => {
    expect(postSeconds(1, 512)).toBe(0.02);
    // ~360 posts a second at 512 MB (docs/capacity.md).
    expect(100 / postSeconds(100, 512)).toBeGreaterThan(350);
    expect(100 / postSeconds(100, 512)).toBeLessThan(370);
    expect(postSeconds(0, 512)).toBe(0);
  });
});

describe('multipliersOf', () => {
  it('gives 0, not a division by zero, when nothing is sent', () => {
    for (const m of multipliersOf(loadOf(200, 0, 10))) {
      expect(m.withLimits).toBe(0);
      expect(m.withoutLimits).toBe(0);
    }
  });

  it('counts typing as the frames in and every relay out, per message sent', () => {
    const load = loadOf(200, 20_000, 10, { typingSeconds: 6, typingIntervalMs: 3000 });
    const typing = multipliersOf(load).find((m) => m.feature === 'typing')!;
    // 2 starts in (no stop: the message ends it), each relayed to the 9 others.
    expect(typing.withLimits).toBeCloseTo(2 + 2 * 9, 9);
  });

  it('counts no presence for clients that roll over, an offline and online per reconnect otherwise', () => {
    const load = loadOf(200, 20_000, 10);
    const presence = (rollover: boolean) =>
      multipliersOf({ ...load, rollover }).find((m) => m.feature === 'presence')!.withLimits;
    expect(presence(true)).toBe(0);
    // 200 users' connections, 12 reconnects a day, 3 rooms each, told to 9 others twice.
    expect(presence(false)).toBeCloseTo((200 * 12 * 3 * 9 * 2) / 20_000, 9);
  });

  it("renews typing at the SDK's pace by default: one start for a 6 s composition", () => {
    const typing = multipliersOf(loadOf(200, 20_000, 10)).find((m) => m.feature === 'typing')!;
    expect(typing.withLimits).toBeCloseTo(1 + 9, 9);
  });
});
