import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  ONLINE_LIST_MAX_BYTES,
  USER_ID_MAX_CHARS,
} from '../../../functions/core/limits.js';
import { summarizeOnline } from '../../../functions/core/online-list.js';

const heavyId = (chars: number, i: number) => `${'\u0001'.repeat(chars - String(i).length)}${i}`;

describe('summarizeOnline', () => {
  it('lists everyone in a small room, the joiner first, and counts them', () => {
    expect(summarizeOnline(['bob', 'alice', 'carol'], 'alice')).toEqual({
      online: ['alice', 'bob', 'carol'],
      onlineCount: 3,
    });
  });

  it('adds and counts the joiner when the list does not have them yet', () => {
    expect(summarizeOnline([], 'alice')).toEqual({ online: ['alice'], onlineCount: 1 });
    expect(summarizeOnline(['bob'], 'alice')).toEqual({ online: ['alice', 'bob'], onlineCount: 2 });
  });

  it('counts each user once', () => {
    expect(summarizeOnline(['bob', 'bob', 'alice'], 'alice')).toEqual({
      online: ['alice', 'bob'],
      onlineCount: 2,
    });
  });

  it(`caps a big room at ${DEFAULT_LIMITS.onlineListMax} ids, the joiner included, and counts all`, () => {
    const users = Array.from(
      { length: 2500 },
      (_, i) => `${'u'.repeat(60)}${String(i).padStart(4, '0')}`,
    );
    const joiner = users[2222]!;
    const { online, onlineCount } = summarizeOnline(users, joiner);
    expect(onlineCount).toBe(2500);
    expect(online).toHaveLength(DEFAULT_LIMITS.onlineListMax);
    expect(online[0]).toBe(joiner);
    expect(new Set(online).size).toBe(DEFAULT_LIMITS.onlineListMax);
    expect(online.slice(1)).toEqual(users.slice(0, DEFAULT_LIMITS.onlineListMax - 1));
  });

  it(`caps the list at ${ONLINE_LIST_MAX_BYTES} bytes of JSON when the ids are long`, () => {
    const users = Array.from({ length: 300 }, (_, i) => heavyId(USER_ID_MAX_CHARS, i));
    const joiner = heavyId(USER_ID_MAX_CHARS, 999);
    const { online, onlineCount } = summarizeOnline(users, joiner);
    expect(onlineCount).toBe(301);
    expect(online[0]).toBe(joiner);
    expect(online.length).toBeLessThan(DEFAULT_LIMITS.onlineListMax);
    expect(Buffer.byteLength(JSON.stringify(online))).toBeLessThanOrEqual(ONLINE_LIST_MAX_BYTES);
    // Full: the next id would not have fitted.
    const next = JSON.stringify([...online, users[online.length - 1]]);
    expect(Buffer.byteLength(next)).toBeGreaterThan(ONLINE_LIST_MAX_BYTES);
  });

  it('takes the count and the cap from the caller when the list given is itself partial', () => {
    const partial = ['bob', 'carol', 'dave'];
    expect(summarizeOnline(partial, 'alice', { onlineCount: 2500, maxUsers: 3 })).toEqual({
      online: ['alice', 'bob', 'carol'],
      onlineCount: 2500,
    });
    // Never fewer than the list holds.
    expect(summarizeOnline(partial, 'alice', { onlineCount: 1 }).onlineCount).toBe(4);
  });
});
