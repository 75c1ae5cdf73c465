/**
 * What a reply may weigh. API Gateway posts at most 128 KB per message (PostToConnection
 * answers 413 above it), so every frame is sized before it is sent: a history page is cut
 * to `REPLY_BUDGET_BYTES`, and `MAX_MESSAGE_CHARS` is bounded so that one message of the
 * heaviest kind always fits in the largest envelope that carries one, the `join_room` reply.
 */
import { FILE_NAME_MAX_CHARS, MAX_ATTACHMENTS } from './file-frames.js';
import { ATTACHMENT_URL_MAX_BYTES, UPLOAD_CONTENT_TYPES } from './files.js';
import { jsonBytes, jsonStringBytes } from './json-bytes.js';
import {
  ID_MAX_CHARS,
  ONLINE_LIST_MAX_BYTES,
  REACTIONS_MAX_PER_MESSAGE,
  REPLY_MAX_BYTES,
  REPLY_SAFETY_BYTES,
  USER_ID_MAX_CHARS,
} from './limits.js';
import { EMOJI_MAX_CHARS } from './live-frames.js';
import { MENTIONS_MAX } from './mentions.js';
import type { Attachment, Message } from './message.js';
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

/**
 * The heaviest content of `chars` characters together with the mentions parsed from it.
 * A mentioned id is made of letters, digits and `_ . : | -` (core/mentions.ts), which JSON
 * writes unescaped, so at most 4 bytes a character, against 6 for the heaviest character
 * that is no mention; but it is written twice, in `content` and in `mentions`. A mention of
 * an id of L characters (`@`, the id, a separator) therefore weighs 2L - 2 bytes more than
 * L + 2 heaviest characters: the most is `MENTIONS_MAX` mentions of the longest ids, then
 * one shorter mention in what is left, then the heaviest characters.
 */
export function heaviestContent(chars: number): { content: string; mentions: string[] } {
  // Distinct ids (the parser keeps each once): CJK letters, 4 bytes each.
  const idOf = (length: number) =>
    String.fromCodePoint(0x20000 + mentions.length) + '\u{20000}'.repeat(length - 1);
  const mentions: string[] = [];
  let content = '';
  let left = chars;
  while (mentions.length < MENTIONS_MAX && left >= 4) {
    const length = Math.min(USER_ID_MAX_CHARS, left - 2);
    const id = idOf(length);
    mentions.push(id);
    content += `@${id}\u0001`;
    left -= length + 2;
  }
  return { content: content + heaviest(left), mentions };
}

/** The longest type an upload may have. */
const LONGEST_CONTENT_TYPE = [...UPLOAD_CONTENT_TYPES].reduce((a, b) =>
  b.length > a.length ? b : a,
);

/**
 * An attachment at its heaviest: the longest file name of the heaviest characters, the
 * longest allowed type, both links at their cap (ATTACHMENT_URL_MAX_BYTES; longer ones
 * are not served), the largest size.
 */
export function heaviestAttachment(): Attachment {
  return {
    id: '00000000-0000-0000-0000-000000000000',
    fileName: heaviest(FILE_NAME_MAX_CHARS),
    contentType: LONGEST_CONTENT_TYPE,
    size: Number.MAX_SAFE_INTEGER,
    url: 'u'.repeat(ATTACHMENT_URL_MAX_BYTES),
    thumbnailUrl: 'u'.repeat(ATTACHMENT_URL_MAX_BYTES),
  };
}

/**
 * A message with every field at its longest and heaviest: protocol v2's `replyTo`, the
 * heaviest mentions its content can make, the most distinct reactions of the heaviest emoji with the
 * largest counts, the largest `rev` (a PostgreSQL integer), and the most attachments, each
 * at its heaviest, with their links.
 */
export function heaviestMessage(contentChars: number): Message {
  return {
    id: '00000000-0000-0000-0000-000000000000',
    roomId: 'r'.repeat(ID_MAX_CHARS), // room ids are ASCII
    seq: Number.MAX_SAFE_INTEGER,
    userId: heaviest(USER_ID_MAX_CHARS),
    ...heaviestContent(contentChars),
    createdAt: '+275760-09-13T00:00:00.000Z', // the longest Date.prototype.toISOString
    clientMsgId: heaviest(ID_MAX_CHARS),
    editedAt: '+275760-09-13T00:00:00.000Z',
    replyTo: Number.MAX_SAFE_INTEGER,
    reactions: Array.from({ length: REACTIONS_MAX_PER_MESSAGE }, () => ({
      emoji: heaviest(EMOJI_MAX_CHARS),
      count: Number.MAX_SAFE_INTEGER,
      me: false,
    })),
    rev: 2 ** 31 - 1,
    attachments: Array.from({ length: MAX_ATTACHMENTS }, heaviestAttachment),
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
    readSeq: Number.MAX_SAFE_INTEGER,
    unread: Number.MAX_SAFE_INTEGER,
  };
  return jsonBytes(frame) - jsonBytes([]) + ONLINE_LIST_MAX_BYTES;
}

/**
 * The largest `MAX_MESSAGE_CHARS` with which any one message fits in any reply. Found by
 * bisection: mentions make a character weigh more than `MAX_BYTES_PER_CHAR` while they
 * last, so the weight is not linear in the length (it only grows with it). The bounds:
 * nothing is lighter than 6 bytes a character beside the message's other fields.
 */
export const MAX_MESSAGE_CHARS_CEILING = (() => {
  let low = 0;
  let high = Math.ceil(REPLY_BUDGET_BYTES / MAX_BYTES_PER_CHAR);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (heaviestJoinReplyBytes(mid) <= REPLY_BUDGET_BYTES) low = mid;
    else high = mid - 1;
  }
  return low;
})();
