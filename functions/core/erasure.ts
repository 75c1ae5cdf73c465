/**
 * Erasing a user (protocol v2, "Retention and erasure"): who owns a room once its last
 * owner is erased. Pure; the SQL is in stores/postgres/erasure-store.ts.
 */
import { type Member, roleRank } from './room.js';

/**
 * The member who becomes owner when the room's last owner is erased: the highest role
 * among those not banned, and within it the longest-standing (earliest `joinedAt`, then
 * user id, so the choice is the same on every run). Undefined when nobody is left: the
 * room stays ownerless (a DM, or a room nobody else joined), as "a room always keeps an
 * owner" can only hold while someone is in it.
 */
export function successorOwner(
  others: readonly Pick<Member, 'userId' | 'role' | 'joinedAt' | 'banned'>[],
): string | undefined {
  const eligible = others.filter((m) => !m.banned);
  eligible.sort(
    (a, b) =>
      roleRank(b.role) - roleRank(a.role) ||
      Date.parse(a.joinedAt) - Date.parse(b.joinedAt) ||
      (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
  );
  return eligible[0]?.userId;
}
