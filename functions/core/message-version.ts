/**
 * Ordering two states of one message, for caches that may be written out of order: a
 * window fill that read PostgreSQL before an edit committed can land after the edit's own
 * write, and two edits' writes can cross. A tombstone is final; otherwise the later
 * `editedAt` wins (the store makes it grow with every edit), and an unedited state is the
 * oldest. The Redis scripts apply the same rule in Lua (stores/redis/scripts.ts).
 */
import type { Message } from './message.js';

/** 2 a tombstone, 1 anything else: a deletion outranks every edit. */
function rank(message: Pick<Message, 'deleted'>): number {
  return message.deleted ? 2 : 1;
}

/**
 * Whether `current` is a later state than `incoming`, so a cache that holds `current`
 * must keep it. Equal states answer false: writing the same state again changes nothing.
 * ISO 8601 UTC strings of one format compare as their instants do.
 */
export function supersedes(
  current: Pick<Message, 'deleted' | 'editedAt'>,
  incoming: Pick<Message, 'deleted' | 'editedAt'>,
): boolean {
  const byRank = rank(current) - rank(incoming);
  if (byRank !== 0) return byRank > 0;
  return (current.editedAt ?? '') > (incoming.editedAt ?? '');
}
