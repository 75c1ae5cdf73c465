import { describe, expect, it } from 'vitest';
import { asyncMemo, keyedMemo } from '../../functions/shared/memo.js';

describe('asyncMemo', () => {
  it('makes the value once and shares it', async () => {
    let made = 0;
    const memo = asyncMemo(async () => ++made);
    expect(await Promise.all([memo.get(), memo.get()])).toEqual([1, 1]);
    expect(await memo.get()).toBe(1);
  });

  it('forgets a making that failed, so the next call tries again', async () => {
    let attempts = 0;
    const memo = asyncMemo(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('secret out of reach');
      return 'ready';
    });
    await expect(memo.get()).rejects.toThrow('secret out of reach');
    await expect(memo.get()).resolves.toBe('ready');
    expect(attempts).toBe(2);
  });

  it('holds what reset is given, and hands back what it held', async () => {
    let made = 0;
    const memo = asyncMemo(async () => ++made);
    await memo.get();
    await expect(memo.reset(10)).resolves.toBe(1);
    expect(await memo.get()).toBe(10);
    memo.reset();
    expect(await memo.get()).toBe(2);
  });
});

describe('keyedMemo', () => {
  it('makes one value per key', () => {
    const made: string[] = [];
    const forKey = keyedMemo((key: string) => {
      made.push(key);
      return { key };
    });
    expect(forKey('a')).toBe(forKey('a'));
    expect(forKey('b')).not.toBe(forKey('a'));
    expect(made).toEqual(['a', 'b']);
  });
});
