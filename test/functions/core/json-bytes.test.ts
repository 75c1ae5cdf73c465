import { describe, expect, it } from 'vitest';
import { jsonBytes, jsonStringBytes } from '../../../functions/core/json-bytes.js';

const actual = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');

/** A seeded generator (mulberry32), so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Code units from every range JSON.stringify treats apart, lone surrogates included. */
function randomText(next: () => number, length: number): string {
  const ranges: [number, number][] = [
    [0x00, 0x1f], // escaped: \n and friends in 2 bytes, the rest in 6
    [0x20, 0x7f], // ASCII, with " and \ escaped
    [0x80, 0x7ff], // 2 bytes
    [0x800, 0xd7ff], // 3 bytes
    [0xd800, 0xdfff], // surrogates: pairs when lucky, lone otherwise
    [0xe000, 0xffff], // 3 bytes, U+2028 and U+2029 left raw
  ];
  let text = '';
  for (let i = 0; i < length; i++) {
    const [low, high] = ranges[Math.floor(next() * ranges.length)]!;
    text += String.fromCharCode(low + Math.floor(next() * (high - low + 1)));
  }
  return text;
}

describe('jsonStringBytes', () => {
  it.each([
    ['empty', ''],
    ['ASCII', 'hello, world'],
    ['quote and backslash', '"\\"\\'],
    ['short escapes', '\b\f\n\r\t'],
    ['other control characters', '\u0000\u0001\u001f\u000b'],
    ['DEL and the line separators, left raw', '\u007f\u2028\u2029'],
    ['2-byte UTF-8', 'é ß ж'],
    ['3-byte UTF-8', '字字字'],
    ['surrogate pairs', '😀𝄞'],
    ['a lone high surrogate at the end', 'a\ud83d'],
    ['a lone low surrogate', '\ude00b'],
    ['a high surrogate before a non-surrogate', '\ud83dx'],
    ['two high surrogates then a low one', '\ud83d\ud83d\ude00'],
  ])('counts %s as JSON.stringify and UTF-8 do', (_name, text) => {
    expect(jsonStringBytes(text)).toBe(actual(text));
  });

  it('counts random text from every range as JSON.stringify and UTF-8 do', () => {
    const next = random(12);
    for (let i = 0; i < 500; i++) {
      const text = randomText(next, Math.floor(next() * 64));
      expect(jsonStringBytes(text), JSON.stringify(text)).toBe(actual(text));
    }
  });
});

describe('jsonBytes', () => {
  it.each([
    ['null', null],
    ['booleans', [true, false]],
    ['numbers', [0, -0, 1.5, -12, 1e21, 1e-7, Number.MAX_SAFE_INTEGER]],
    ['non-finite numbers, written as null', [Number.NaN, Number.POSITIVE_INFINITY]],
    ['empty containers', { a: [], b: {} }],
    ['undefined fields, left out', { a: undefined, b: 1, c: () => 1 }],
    [
      'undefined, functions and symbols in arrays, written as null',
      [undefined, () => 1, Symbol('s')],
    ],
    ['a Date, through toJSON', { at: new Date(Date.UTC(2026, 11, 6)) }],
    ['keys that need escaping', { 'k"\n': 1, 字: 'v' }],
    [
      'a message',
      {
        type: 'ack',
        message: {
          id: '0190b3c2-1d2e-7f00-8000-000000000001',
          roomId: 'general',
          seq: 12,
          userId: 'alice',
          content: 'hi 😀 "there"\n',
          createdAt: '2026-12-06T10:00:00.000Z',
          clientMsgId: undefined,
        },
        requestId: 'r1',
      },
    ],
  ])('counts %s as JSON.stringify and UTF-8 do', (_name, value) => {
    expect(jsonBytes(value)).toBe(actual(value));
  });

  it('counts random nested values as JSON.stringify and UTF-8 do', () => {
    const next = random(34);
    const value = (depth: number): unknown => {
      const kind = Math.floor(next() * (depth > 3 ? 4 : 6));
      if (kind === 0) return randomText(next, Math.floor(next() * 20));
      if (kind === 1) return Math.floor(next() * 1e6) / 8;
      if (kind === 2) return next() < 0.5;
      if (kind === 3) return next() < 0.5 ? null : undefined;
      const size = Math.floor(next() * 5);
      if (kind === 4) return Array.from({ length: size }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: size }, () => [randomText(next, 4), value(depth + 1)]),
      );
    };
    for (let i = 0; i < 300; i++) {
      const v = { v: value(0) };
      expect(jsonBytes(v), JSON.stringify(v)).toBe(actual(v));
    }
  });

  it('refuses a BigInt as JSON.stringify does', () => {
    expect(() => jsonBytes({ n: 1n })).toThrow(TypeError);
  });
});
