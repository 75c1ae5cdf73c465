/**
 * Search cursors: opaque to the client, base64url of the JSON of where the next page
 * starts, preceded by a fingerprint of the search (its text and room) that made it. A
 * cursor is only a position in the caller's own results: the scope is applied again on
 * every page, so a forged position shows nothing the caller could not search anyway. The
 * fingerprint makes a cursor of another search (or garbage) a `bad_request` rather than a
 * silent jump into the middle of this one.
 */
import { ChatError } from '../core/errors.js';
import type { SearchQuery } from '../core/ports.js';

/** FNV-1a, 32 bits, of the search's room and text: a checksum, not a secret. */
function fingerprint(query: Pick<SearchQuery, 'text' | 'roomId'>): string {
  let hash = 0x811c9dc5;
  for (const char of `${query.roomId ?? ''}\n${query.text}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

export function encodeSearchCursor(
  query: Pick<SearchQuery, 'text' | 'roomId'>,
  position: readonly (string | number)[],
): string {
  return Buffer.from(JSON.stringify([fingerprint(query), ...position])).toString('base64url');
}

const refused = () => new ChatError('bad_request', 'cursor is not one this search gave');

/**
 * The position a cursor holds, checked against `shape` (the type of each element), or
 * `bad_request` for one this search did not make.
 */
export function decodeSearchCursor(
  query: Pick<SearchQuery, 'text' | 'roomId'>,
  cursor: string,
  shape: readonly ('string' | 'number')[],
): (string | number)[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw refused();
  }
  if (!Array.isArray(value) || value.length !== shape.length + 1) throw refused();
  const [print, ...position] = value as unknown[];
  if (print !== fingerprint(query)) throw refused();
  return position.map((item, i) => {
    const type = shape[i];
    if (type === 'number' && typeof item === 'number' && Number.isFinite(item)) return item;
    if (type === 'string' && typeof item === 'string') return item;
    throw refused();
  });
}
