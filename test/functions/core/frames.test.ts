import { describe, expect, it } from 'vitest';
import { ChatError } from '../../../functions/core/errors.js';
import {
  type Action,
  countCharacters,
  parseFrame,
  peekRequestId,
  type RawFrame,
  validateRequest,
} from '../../../functions/core/frames.js';
import { type ChatLimits, DEFAULT_LIMITS } from '../../../functions/core/limits.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ChatError);
    return (error as ChatError).code;
  }
  return undefined;
}

const frame = (fields: Record<string, unknown>): RawFrame => ({ fields });
const validate = (action: Action, fields: Record<string, unknown>, limits?: ChatLimits) =>
  validateRequest(action, frame(fields), limits ?? DEFAULT_LIMITS);
const codeOfValidate = (action: Action, fields: Record<string, unknown>, limits?: ChatLimits) =>
  codeOf(() => validate(action, fields, limits));

describe('parseFrame', () => {
  it('parses a JSON object and picks out its requestId', () => {
    expect(parseFrame('{"action":"join_room","roomId":"a","requestId":"r1"}')).toEqual({
      fields: { action: 'join_room', roomId: 'a', requestId: 'r1' },
      requestId: 'r1',
    });
  });

  it('has no requestId when the frame has none', () => {
    const parsed = parseFrame('{"action":"join_room"}');
    expect(parsed.requestId).toBeUndefined();
    expect('requestId' in parsed).toBe(false);
  });

  it.each([
    ['not JSON', 'hello'],
    ['truncated JSON', '{"action":'],
    ['an empty body', ''],
    ['no body at all', undefined],
  ])('rejects %s with bad_request', (_, body) => {
    expect(codeOf(() => parseFrame(body))).toBe('bad_request');
  });

  it.each([
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a number', '42'],
    ['a string', '"join_room"'],
    ['a boolean', 'true'],
  ])('rejects %s (not an object) with bad_request', (_, body) => {
    expect(codeOf(() => parseFrame(body))).toBe('bad_request');
  });

  it('accepts a requestId of exactly 64 characters', () => {
    const id = 'r'.repeat(64);
    expect(parseFrame(JSON.stringify({ requestId: id })).requestId).toBe(id);
  });

  it.each([
    ['65 characters', 'r'.repeat(65)],
    ['a number', 7],
    ['null', null],
    ['an object', { id: 'x' }],
    ['an array', ['x']],
  ])('rejects a requestId that is %s', (_, requestId) => {
    expect(codeOf(() => parseFrame(JSON.stringify({ action: 'x', requestId })))).toBe(
      'bad_request',
    );
  });
});

describe('peekRequestId', () => {
  it('returns a valid requestId', () => {
    expect(peekRequestId('{"requestId":"abc"}')).toBe('abc');
  });

  it('returns undefined for bad frames instead of throwing', () => {
    expect(peekRequestId('nope')).toBeUndefined();
    expect(peekRequestId('[]')).toBeUndefined();
    expect(peekRequestId(JSON.stringify({ requestId: 'x'.repeat(65) }))).toBeUndefined();
    expect(peekRequestId(undefined)).toBeUndefined();
  });
});

describe('validateRequest: roomId', () => {
  it.each(['a', 'Room_1', 'room-2', 'A'.repeat(64), '0123456789', '_-_'])(
    'accepts roomId %j',
    (roomId) => {
      expect(validate('leave_room', { roomId })).toEqual({ roomId });
    },
  );

  it.each([
    ['empty', ''],
    ['65 characters', 'a'.repeat(65)],
    ['with a space', 'a b'],
    ['with a dot', 'a.b'],
    ['with a slash', 'a/b'],
    ['with a colon', 'room:1'],
    ['non-ASCII', 'café'],
    ['with a newline', 'a\n'],
    ['a number', 12],
    ['null', null],
    ['an array', ['a']],
  ])('rejects roomId %s', (_, roomId) => {
    for (const action of ['join_room', 'leave_room', 'get_history'] as const) {
      expect(codeOfValidate(action, { roomId })).toBe('bad_request');
    }
    expect(codeOfValidate('send_message', { roomId, content: 'x' })).toBe('bad_request');
  });

  it.each(['join_room', 'leave_room', 'get_history', 'send_message'] as const)(
    '%s requires roomId',
    (action) => {
      expect(codeOfValidate(action, { content: 'x' })).toBe('bad_request');
    },
  );

  it('names the field in the message', () => {
    expect(() => validate('join_room', { roomId: 'a b' })).toThrow(/roomId/);
  });
});

describe('validateRequest: join_room', () => {
  it('accepts since and limit', () => {
    expect(validate('join_room', { roomId: 'a', since: 0, limit: 1 })).toEqual({
      roomId: 'a',
      since: 0,
      limit: 1,
    });
    expect(validate('join_room', { roomId: 'a', since: 42, limit: 100 })).toEqual({
      roomId: 'a',
      since: 42,
      limit: 100,
    });
  });

  it('drops fields the action does not know, like action and requestId', () => {
    expect(
      validate('join_room', { action: 'join_room', requestId: 'r', roomId: 'a', userId: 'eve' }),
    ).toEqual({ roomId: 'a' });
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['a string', '3'],
    ['null', null],
  ])('rejects since that is %s', (_, since) => {
    expect(codeOfValidate('join_room', { roomId: 'a', since })).toBe('bad_request');
  });
});

describe('validateRequest: limit', () => {
  it.each([1, 50, 100])('accepts limit %d', (limit) => {
    expect(validate('get_history', { roomId: 'a', limit })).toEqual({ roomId: 'a', limit });
  });

  it.each([0, -1, 101, 1000, 2.5, '10', null, Number.NaN])('rejects limit %j', (limit) => {
    expect(codeOfValidate('get_history', { roomId: 'a', limit })).toBe('bad_request');
    expect(codeOfValidate('join_room', { roomId: 'a', limit })).toBe('bad_request');
  });
});

describe('validateRequest: get_history', () => {
  it('accepts before alone and after alone', () => {
    expect(validate('get_history', { roomId: 'a', before: 10 })).toEqual({
      roomId: 'a',
      before: 10,
    });
    expect(validate('get_history', { roomId: 'a', after: 0 })).toEqual({ roomId: 'a', after: 0 });
  });

  it('rejects before and after together', () => {
    expect(codeOfValidate('get_history', { roomId: 'a', before: 10, after: 2 })).toBe(
      'bad_request',
    );
    expect(() => validate('get_history', { roomId: 'a', before: 10, after: 2 })).toThrow(
      /before and after/,
    );
  });

  it.each([
    ['before', -1],
    ['before', 'x'],
    ['after', 1.1],
    ['after', true],
  ])('rejects %s = %j', (field, value) => {
    expect(codeOfValidate('get_history', { roomId: 'a', [field]: value })).toBe('bad_request');
  });
});

describe('validateRequest: send_message', () => {
  it('accepts content and a clientMsgId of up to 64 characters', () => {
    expect(
      validate('send_message', { roomId: 'a', content: 'hi', clientMsgId: 'c'.repeat(64) }),
    ).toEqual({ roomId: 'a', content: 'hi', clientMsgId: 'c'.repeat(64) });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 5],
    ['null', null],
    ['an object', { text: 'hi' }],
  ])('rejects content that is %s', (_, content) => {
    expect(codeOfValidate('send_message', { roomId: 'a', content })).toBe('bad_request');
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'c'.repeat(65)],
    ['a number', 1],
  ])('rejects a clientMsgId that is %s', (_, clientMsgId) => {
    expect(codeOfValidate('send_message', { roomId: 'a', content: 'x', clientMsgId })).toBe(
      'bad_request',
    );
  });

  // The stores would change these (a lone surrogate becomes U+FFFD in PostgreSQL, so two
  // ids differing only there collide) or refuse them (NUL): refused here, with the reason.
  it.each([
    ['content', 'a lone high surrogate', { content: 'x\ud800y' }, /content: .*lone surrogate/],
    ['content', 'a lone low surrogate', { content: '\udc00' }, /content: .*lone surrogate/],
    ['content', 'a NUL', { content: 'x\u0000y' }, /content: .*NUL/],
    ['clientMsgId', 'a lone surrogate', { content: 'x', clientMsgId: 'm\ud800' }, /lone/],
    ['clientMsgId', 'a NUL', { content: 'x', clientMsgId: 'm\u0000' }, /NUL/],
  ])('rejects %s with %s as bad_request, saying why', (_, __, fields, reason) => {
    const run = () => validate('send_message', { roomId: 'a', ...fields });
    expect(codeOf(run)).toBe('bad_request');
    expect(run).toThrow(reason);
  });

  it('accepts surrogate pairs (astral characters) in content and clientMsgId', () => {
    const fields = { roomId: 'a', content: 'hi 😀𝄞', clientMsgId: '😀'.repeat(64) };
    expect(validate('send_message', fields)).toEqual(fields);
  });

  it('accepts content of exactly MAX characters', () => {
    const limits = { ...DEFAULT_LIMITS, maxMessageChars: 10 };
    expect(validate('send_message', { roomId: 'a', content: 'x'.repeat(10) }, limits)).toEqual({
      roomId: 'a',
      content: 'x'.repeat(10),
    });
  });

  it('rejects content over MAX characters with payload_too_large', () => {
    const limits = { ...DEFAULT_LIMITS, maxMessageChars: 10 };
    expect(codeOfValidate('send_message', { roomId: 'a', content: 'x'.repeat(11) }, limits)).toBe(
      'payload_too_large',
    );
  });

  it('uses 4000 characters by default', () => {
    expect(validate('send_message', { roomId: 'a', content: 'x'.repeat(4000) })).toBeDefined();
    expect(codeOfValidate('send_message', { roomId: 'a', content: 'x'.repeat(4001) })).toBe(
      'payload_too_large',
    );
  });

  it('counts code points: an emoji is one character, not two UTF-16 units', () => {
    const limits = { ...DEFAULT_LIMITS, maxMessageChars: 10 };
    const tenEmoji = '😀'.repeat(10);
    expect(tenEmoji.length).toBe(20);
    expect(validate('send_message', { roomId: 'a', content: tenEmoji }, limits)).toBeDefined();
    expect(codeOfValidate('send_message', { roomId: 'a', content: `${tenEmoji}!` }, limits)).toBe(
      'payload_too_large',
    );
  });

  it('checks fields before length: a bad roomId with long content is bad_request', () => {
    const limits = { ...DEFAULT_LIMITS, maxMessageChars: 1 };
    expect(codeOfValidate('send_message', { roomId: '', content: 'long' }, limits)).toBe(
      'bad_request',
    );
  });
});

describe('countCharacters', () => {
  it('counts Unicode code points', () => {
    expect(countCharacters('')).toBe(0);
    expect(countCharacters('abc')).toBe(3);
    expect(countCharacters('😀')).toBe(1);
    expect(countCharacters('a😀b')).toBe(3);
    expect(countCharacters('é')).toBe(1);
    expect(countCharacters('𝄞𝄞')).toBe(2);
  });
});
