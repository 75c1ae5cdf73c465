import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../../../functions/core/json-bytes.js';
import {
  DEFAULT_LIMITS,
  ID_MAX_CHARS,
  REPLY_MAX_BYTES,
  REPLY_SAFETY_BYTES,
  USER_ID_MAX_CHARS,
} from '../../../functions/core/limits.js';
import { MENTIONS_MAX, parseMentions } from '../../../functions/core/mentions.js';
import { summarizeOnline } from '../../../functions/core/online-list.js';
import {
  heaviestContent,
  heaviestJoinReplyBytes,
  heaviestMessage,
  MAX_MESSAGE_CHARS_CEILING,
  REPLY_BUDGET_BYTES,
  REQUEST_ID_RESERVE_BYTES,
} from '../../../functions/core/reply-budget.js';
import { type ServerFrame, withRequestId } from '../../../functions/core/server-frames.js';

const bytes = (frame: ServerFrame) => Buffer.byteLength(JSON.stringify(frame), 'utf8');
/** The most a sent frame may weigh: API Gateway's limit less the safety margin. */
const SENDABLE = REPLY_MAX_BYTES - REPLY_SAFETY_BYTES;
const heavyId = (chars: number, i = 0) => `${'\u0001'.repeat(chars - String(i).length)}${i}`;
const HEAVY_REQUEST_ID = '\u0001'.repeat(ID_MAX_CHARS);

describe('the reply budget', () => {
  it('reserves exactly what the longest, heaviest requestId adds', () => {
    const frame = { type: 'left' as const, roomId: 'r' };
    expect(REQUEST_ID_RESERVE_BYTES).toBe(
      bytes(withRequestId(frame, HEAVY_REQUEST_ID)) - bytes(frame),
    );
    expect(REPLY_BUDGET_BYTES + REQUEST_ID_RESERVE_BYTES).toBe(SENDABLE);
  });

  it('fits one message of MAX_MESSAGE_CHARS_CEILING heaviest characters in the heaviest join reply', () => {
    // 2,500 users online with the longest, heaviest ids: the list stops at its byte cap.
    const joiner = heavyId(USER_ID_MAX_CHARS);
    const others = Array.from({ length: 2500 }, (_, i) => heavyId(USER_ID_MAX_CHARS, i + 1));
    const reply = withRequestId(
      {
        type: 'room_history' as const,
        roomId: 'r'.repeat(ID_MAX_CHARS),
        messages: [heaviestMessage(MAX_MESSAGE_CHARS_CEILING)],
        hasMore: false,
        ...summarizeOnline(others, joiner),
        lastSeq: Number.MAX_SAFE_INTEGER,
      },
      HEAVY_REQUEST_ID,
    );
    expect(bytes(reply)).toBeLessThanOrEqual(SENDABLE);
    expect(heaviestJoinReplyBytes(MAX_MESSAGE_CHARS_CEILING)).toBeLessThanOrEqual(
      REPLY_BUDGET_BYTES,
    );
  });

  it('is tight: one character more would not always fit', () => {
    expect(heaviestJoinReplyBytes(MAX_MESSAGE_CHARS_CEILING + 1)).toBeGreaterThan(
      REPLY_BUDGET_BYTES,
    );
  });

  it('fits the heaviest message at the ceiling in an ack and a new_message', () => {
    const message = heaviestMessage(MAX_MESSAGE_CHARS_CEILING);
    expect(bytes(withRequestId({ type: 'ack', message }, HEAVY_REQUEST_ID))).toBeLessThanOrEqual(
      SENDABLE,
    );
    expect(bytes({ type: 'new_message', message })).toBeLessThanOrEqual(SENDABLE);
  });

  it('takes the heaviest characters to be 6 bytes: none is heavier, emoji are 4', () => {
    expect(jsonBytes('\u0001')).toBe(2 + 6);
    expect(jsonBytes('\ud800')).toBe(2 + 6);
    expect(jsonBytes('😀')).toBe(2 + 4);
    expect(jsonBytes('字')).toBe(2 + 3);
  });

  it('models the heaviest mentions a content can make, as the parser finds them', () => {
    for (const chars of [0, 3, 4, 300, MAX_MESSAGE_CHARS_CEILING]) {
      const { content, mentions } = heaviestContent(chars);
      expect([...content]).toHaveLength(chars);
      expect(parseMentions(content)).toEqual(mentions);
    }
    // Long enough, the content carries the most mentions (the ceiling, since attachments
    // joined the heaviest message, is shorter than that).
    expect(heaviestContent(MENTIONS_MAX * (USER_ID_MAX_CHARS + 2)).mentions).toHaveLength(
      MENTIONS_MAX,
    );
    // 20 reactions, 10 attachments with their links and every v2 field ride along: the
    // message is over 100 KB of JSON.
    expect(jsonBytes(heaviestMessage(MAX_MESSAGE_CHARS_CEILING))).toBeGreaterThan(100_000);
  });

  it('holds the default MAX_MESSAGE_CHARS', () => {
    expect(DEFAULT_LIMITS.maxMessageChars).toBeLessThanOrEqual(MAX_MESSAGE_CHARS_CEILING);
  });
});
