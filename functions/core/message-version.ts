/**
 * Ordering two states of one message, for caches that may be written out of order: a
 * window fill that read PostgreSQL before an edit or a reaction committed can land after
 * the change's own write, and two changes' writes can cross. A tombstone is final;
 * otherwise the higher `rev` wins (the store bumps it with every edit, delete and reaction,
 * under the message's row lock). Between equal revs the later `editedAt` wins: states
 * written by handlers from before `rev` existed (a deploy's overlap) carry rev 0 and are
 * still ordered by their edits. The Redis scripts apply the same rule in Lua
 * (stores/redis/scripts.ts).
 */
import type { Message } from './message.js';

/** 2 a tombstone, 1 anything else: a deletion outranks every edit. */
function rank(message: Pick<Message, 'deleted'>): number {
  return message.deleted ? 2 : 1;
}

type Version = Pick<Message, 'deleted' | 'editedAt' | 'rev'>;

/**
 * Whether `current` is a later state than `incoming`, so a cache that holds `current`
 * must keep it. Equal states answer false: writing the same state again changes nothing.
 * ISO 8601 UTC strings of one format compare as their instants do.
 */
export function supersedes(current: Version, incoming: Version): boolean {
  const byRank = rank(current) - rank(incoming);
  if (byRank !== 0) return byRank > 0;
  const byRev = (current.rev ?? 0) - (incoming.rev ?? 0);
  if (byRev !== 0) return byRev > 0;
  return (current.editedAt ?? '') > (incoming.editedAt ?? '');
}
