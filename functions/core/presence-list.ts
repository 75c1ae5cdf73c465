/**
 * The `presence_list` answer to `get_presence`: the room's online users first (with the
 * status each chose), then its other members as `offline` with `lastSeen` where known. A
 * room may have 100,000 members, so the list is cut at `onlineListMax` users and
 * `PRESENCE_LIST_MAX_BYTES` of JSON, well inside the 128 KB reply.
 */
import { jsonBytes } from './json-bytes.js';
import type { UserState, UserStatus } from './ports.js';
import type { PresenceEntry } from './server-frames.js';

/** The entries' JSON stays under this: a long user id and status text are ~2 KB each. */
export const PRESENCE_LIST_MAX_BYTES = 64 * 1024;

export interface PresenceListInput {
  online: readonly string[];
  statuses: ReadonlyMap<string, UserStatus>;
  /** Members not online, in the order to list them. */
  offline: readonly string[];
  states: ReadonlyMap<string, UserState>;
  /** The last frame of users just found stale, newer than what the store may have. */
  lastActive: ReadonlyMap<string, number>;
  maxUsers: number;
}

export function presenceEntries(input: PresenceListInput): PresenceEntry[] {
  const entries: PresenceEntry[] = [];
  let bytes = 2;
  const add = (entry: PresenceEntry): boolean => {
    const size = jsonBytes(entry) + 1;
    if (entries.length >= input.maxUsers || bytes + size > PRESENCE_LIST_MAX_BYTES) return false;
    entries.push(entry);
    bytes += size;
    return true;
  };
  for (const userId of input.online) {
    const status = input.statuses.get(userId) ?? { status: 'online' };
    if (!add({ userId, ...status })) return entries;
  }
  for (const userId of input.offline) {
    const seen = input.lastActive.get(userId) ?? input.states.get(userId)?.lastSeen;
    const entry: PresenceEntry = { userId, status: 'offline' };
    if (seen !== undefined) entry.lastSeen = new Date(seen).toISOString();
    if (!add(entry)) return entries;
  }
  return entries;
}
