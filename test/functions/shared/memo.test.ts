import { describe, expect, it } from 'vitest';
import { keyedMemo, once } from '../../../functions/shared/memo.js';

describe('once', () => {
  it('makes the value once and shares it', async () => {
    let made = 0;
    const value = once(async () => ++made);
    expect(await Promise.all([value(), value()])).toEqual([1, 1]);
    expect(await value()).toBe(1);
  });

  it('forgets a creation that failed, so the next call tries again', async () => {
    let attempts = 0;
    const value = once(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('secret out of reach');
      return 'ready';
    });
    await expect(value()).rejects.toThrow('secret out of reach');
    await expect(value()).resolves.toBe('ready');
    expect(attempts).toBe(2);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const value = once((): Promise<string> => {
      throw new Error('bad configuration');
    });
    await expect(value()).rejects.toThrow('bad configuration');
  });

  it('tells what was created without creating it', async () => {
    let made = 0;
    const value = once(async () => ++made);
    expect(await value.created()).toBeUndefined();
    await value();
    expect(await value.created()).toBe(1);
    expect(made).toBe(1);
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
