import { describe, expect, it } from 'vitest';
import { MENTIONS_MAX, parseMentions } from '../../../functions/core/mentions.js';

describe('parseMentions', () => {
  it('finds @userId at the start, after spaces and after punctuation', () => {
    expect(parseMentions('@ana hi, (@bo) and @carl!')).toEqual(['ana', 'bo', 'carl']);
  });

  it('keeps each user once, in order of first mention', () => {
    expect(parseMentions('@bo @ana @bo')).toEqual(['bo', 'ana']);
  });

  it('drops trailing punctuation but keeps ids with dots, pipes and dashes inside', () => {
    expect(parseMentions('thanks @ana. and @auth0|123: and @jo.doe-2-')).toEqual([
      'ana',
      'auth0|123',
      'jo.doe-2',
    ]);
  });

  it('does not read an e-mail address or a doubled @ as a mention', () => {
    expect(parseMentions('mail ana@example.com or @@bo')).toEqual([]);
  });

  it('reads letters of any script', () => {
    expect(parseMentions('مرحبا @سارة و @ユキ')).toEqual(['سارة', 'ユキ']);
  });

  it(`keeps at most ${MENTIONS_MAX}`, () => {
    const text = Array.from({ length: MENTIONS_MAX + 5 }, (_, i) => `@u${i}`).join(' ');
    const found = parseMentions(text);
    expect(found).toHaveLength(MENTIONS_MAX);
    expect(found[0]).toBe('u0');
  });

  it('finds nothing in text without mentions', () => {
    expect(parseMentions('no one here @')).toEqual([]);
  });
});
