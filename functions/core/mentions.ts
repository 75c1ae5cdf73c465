/**
 * Mentions: the user ids a message names as `@userId`. The server parses them on send
 * (protocol v2, "Messages"), so a client cannot claim mentions its text does not make, and
 * stores them for each room's unread-mention count.
 *
 * A mention is `@` at the start or after a character that is not a letter, digit or `@`
 * (so `a@b.com` is an address, not a mention), followed by the characters user ids
 * are made of here: letters, digits and `_ . : | -` (Cognito's and Auth0's subjects fit).
 * Trailing `.`, `:` and `-` are punctuation ("thanks @ana."), not part of the id.
 */
import { USER_ID_MAX_CHARS } from './limits.js';

/** At most this many distinct mentions per message are kept: a roll-call, not a spam vector. */
export const MENTIONS_MAX = 50;

const MENTION = /(?<![\p{L}\p{N}@])@([\p{L}\p{N}_.:|-]+)/gu;

/** The distinct user ids `content` mentions, in order of first mention, at most MENTIONS_MAX. */
export function parseMentions(content: string): string[] {
  const found = new Set<string>();
  for (const match of content.matchAll(MENTION)) {
    const id = (match[1] ?? '').replace(/[.:-]+$/u, '');
    if (id === '' || [...id].length > USER_ID_MAX_CHARS) continue;
    found.add(id);
    if (found.size === MENTIONS_MAX) break;
  }
  return [...found];
}
