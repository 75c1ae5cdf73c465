/**
 * Search over the fakes' rooms: simple case-insensitive substring matching of the query's
 * words (its quotes, `or` and `-` are not parsed), with the PostgreSQL adapter's scope
 * (active members, no encrypted rooms, no tombstones), order (rank, then newest, then room
 * and seq) and cursors. The rank here is how many times the words occur.
 */
import type { SearchHit, SearchPage, SearchQuery } from '../../functions/core/ports.js';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../functions/core/search-frames.js';
import { escapeRegExp } from '../../functions/core/search-highlight.js';
import { decodeSearchCursor, encodeSearchCursor } from '../../functions/stores/search-cursor.js';
import { type FakeRooms, isBanned } from './fake-rooms.js';

type Key = [rank: number, at: number, roomId: string, seq: number];

/** Descending order of keys: the first that differs decides. */
function before(a: Key, b: Key): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return (a[i] as number | string) > (b[i] as number | string);
  }
  return false;
}

export function fakeSearch(state: FakeRooms, query: SearchQuery): SearchPage {
  const words = query.text
    .toLowerCase()
    .replace(/["]/g, ' ')
    .split(/\s+/)
    .filter((w) => w.length > 0 && w !== 'or' && !w.startsWith('-'));
  if (words.length === 0) return { hits: [] };
  const pattern = new RegExp(words.map(escapeRegExp).join('|'), 'giu');
  const after = query.cursor
    ? (decodeSearchCursor(query, query.cursor, ['number', 'number', 'string', 'number']) as Key)
    : undefined;
  const found: { key: Key; hit: SearchHit }[] = [];
  for (const [roomId, room] of state.map) {
    if (query.roomId !== undefined && roomId !== query.roomId) continue;
    const row = room.members.get(query.userId);
    if (!row || isBanned(row, state.clock.now) || room.room.encrypted) continue;
    for (const message of room.messages) {
      const text = message.content.toLowerCase();
      if (message.deleted || !words.every((w) => text.includes(w))) continue;
      const rank = message.content.match(pattern)?.length ?? 0;
      const key: Key = [rank, Date.parse(message.createdAt), roomId, message.seq];
      if (after && !before(after, key)) continue;
      found.push({
        key,
        hit: {
          message,
          mine: state.reactions.mine(message, query.userId),
          highlight: message.content.replace(pattern, `${HIGHLIGHT_START}$&${HIGHLIGHT_END}`),
        },
      });
    }
  }
  found.sort((a, b) => (before(a.key, b.key) ? -1 : before(b.key, a.key) ? 1 : 0));
  const page = found.slice(0, query.limit);
  const last = page.at(-1);
  return found.length > query.limit && last
    ? { hits: page.map((f) => f.hit), cursor: encodeSearchCursor(query, last.key) }
    : { hits: page.map((f) => f.hit) };
}
