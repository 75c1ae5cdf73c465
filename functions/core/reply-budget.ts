/**
 * What a reply may weigh. API Gateway posts at most 128 KB per message (PostToConnection
 * answers 413 above it), so every frame is sized before it is sent: a history page is cut
 * to `REPLY_BUDGET_BYTES`, and `MAX_MESSAGE_CHARS` is bounded so that one message of the
 * heaviest kind always fits in the largest envelope that carries one, the `join_room` reply.
 */
import { jsonBytes, jsonStringBytes } from './json-bytes.js';
import {
  ID_MAX_CHARS,
  ONLINE_LIST_MAX_BYTES,
  REPLY_MAX_BYTES,
  REPLY_SAFETY_BYTES,
  USER_ID_MAX_CHARS,
} from './limits.js';
import type { Message } from './message.js';
import type { RoomHistoryFrame } from './server-frames.js';

/**
 * The most bytes one character (code point) of text takes in a frame: a control character
 * or a lone surrogate, which JSON.stringify writes as `\uXXXX`. (An emoji takes 4.)
 */
export const MAX_BYTES_PER_CHAR = 6;

/** `chars` characters, each as heavy as a frame can make one. */
const heaviest = (chars: number) => '\u0001'.repeat(chars);

/**
 * What the route's shell adds to every reply the core builds, at most: `,"requestId":"…"`
 * with the longest id the protocol allows, every character escaped.
 */
export const REQUEST_ID_RESERVE_BYTES =
  1 + jsonStringBytes('requestId') + 1 + jsonStringBytes(heaviest(ID_MAX_CHARS));

/** What a reply frame built by the core may weigh, before the shell adds its `requestId`. */
export const REPLY_BUDGET_BYTES = REPLY_MAX_BYTES - REPLY_SAFETY_BYTES - REQUEST_ID_RESERVE_BYTES;

/** A message with every field at its longest and heaviest. */
export function heaviestMessage(contentChars: number): Message {
  return {
    id: '00000000-0000-0000-0000-000000000000',
    roomId: 'r'.repeat(ID_MAX_CHARS), // room ids are ASCII
    seq: Number.MAX_SAFE_INTEGER,
    userId: heaviest(USER_ID_MAX_CHARS),
    content: heaviest(contentChars),
    createdAt: '+275760-09-13T00:00:00.000Z', // the longest Date.prototype.toISOString
    clientMsgId: heaviest(ID_MAX_CHARS),
  };
}

/**
 * The largest frame that carries one message: a `join_room` reply with an `online` list at
 * its byte cap, every number at its longest.
 */
export function heaviestJoinReplyBytes(contentChars: number): number {
  const frame: RoomHistoryFrame = {
    type: 'room_history',
    roomId: 'r'.repeat(ID_MAX_CHARS),
    messages: [heaviestMessage(contentChars)],
    hasMore: false,
    firstSeq: Number.MAX_SAFE_INTEGER,
    online: [],
    onlineCount: Number.MAX_SAFE_INTEGER,
    lastSeq: Number.MAX_SAFE_INTEGER,
  };
  return jsonBytes(frame) - jsonBytes([]) + ONLINE_LIST_MAX_BYTES;
}

/** The largest `MAX_MESSAGE_CHARS` with which any one message fits in any reply. */
export const MAX_MESSAGE_CHARS_CEILING = Math.floor(
  (REPLY_BUDGET_BYTES - heaviestJoinReplyBytes(0)) / MAX_BYTES_PER_CHAR,
);
