/**
 * Reactions as each reader sees them (protocol v2, "Messages"): the record and the cached
 * window hold counts only (`me: false`), the same for everyone, so one cached page serves
 * every reader; the reader's own reactions are marked on the way out. A page with no
 * reactions costs nothing more; one with reactions costs one indexed read
 * (docs/decisions/2026-12-06-reactions.md).
 */
import { linkMessages } from './files.js';
import type { Message } from './message.js';
import { fitHistoryFrame, type PageEnd } from './page-fit.js';
import type { ChatDeps, HistoryPage } from './ports.js';
import type { RoomHistoryFrame } from './server-frames.js';

/** The message with `me` set on the emoji in `mine` (the reader's own reactions). */
export function withMine(message: Message, mine: ReadonlySet<string> | readonly string[]): Message {
  const own = mine instanceof Set ? mine : new Set(mine);
  if (!message.reactions || own.size === 0) return message;
  return {
    ...message,
    reactions: message.reactions.map((r) => ({ ...r, me: own.has(r.emoji) })),
  };
}

/** The page with the reader's own reactions marked `me`. */
export async function markMine(
  deps: Pick<ChatDeps, 'messages'>,
  roomId: string,
  readerId: string,
  messages: Message[],
): Promise<Message[]> {
  const seqs = messages.filter((m) => m.reactions?.length).map((m) => m.seq);
  if (seqs.length === 0) return messages;
  const own = await deps.messages.reactionsBy(roomId, readerId, seqs);
  if (own.length === 0) return messages;
  const bySeq = new Map<number, Set<string>>();
  for (const { seq, emoji } of own) {
    const set = bySeq.get(seq) ?? new Set<string>();
    set.add(emoji);
    bySeq.set(seq, set);
  }
  return messages.map((m) => {
    const mine = bySeq.get(m.seq);
    return mine ? withMine(m, mine) : m;
  });
}

/**
 * The `room_history` reply a reader gets for a page: their own reactions marked, links to
 * the files made, `extra` fields added (a join's presence, the history's start), cut to one
 * reply from `keep`'s end (measured with the links, which weigh the most).
 */
export async function readerPage(
  deps: Pick<ChatDeps, 'messages' | 'files' | 'limits'>,
  roomId: string,
  readerId: string,
  page: Pick<HistoryPage, 'messages' | 'hasMore'>,
  keep: PageEnd,
  extra: Omit<Partial<RoomHistoryFrame>, 'type' | 'roomId' | 'messages' | 'hasMore'> = {},
): Promise<RoomHistoryFrame> {
  const messages = await linkMessages(deps, await markMine(deps, roomId, readerId, page.messages));
  return fitHistoryFrame(
    { type: 'room_history', roomId, messages, hasMore: page.hasMore, ...extra },
    keep,
  );
}
