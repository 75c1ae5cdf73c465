/**
 * The `online` list of a `join_room` reply. A room's online users can run to thousands
 * (2,500 ids of 64 characters are 167 KB of JSON, past API Gateway's 128 KB), so the reply
 * lists the joiner and then others up to `onlineListMax` ids (DEFAULT_LIMITS) and
 * `ONLINE_LIST_MAX_BYTES` of JSON, and `onlineCount` says how many are online in all.
 */
import { jsonBytes, jsonStringBytes } from './json-bytes.js';
import { DEFAULT_LIMITS, ONLINE_LIST_MAX_BYTES } from './limits.js';

export interface OnlineSummary {
  /** The joiner first, then others in the order given, within the caps. */
  online: string[];
  /** Users online in the room, the joiner included. */
  onlineCount: number;
}

/**
 * @param online user ids online, in the order to list them (the joiner may be among them)
 * @param known.onlineCount how many are online when `online` is itself only part of them
 * @param known.maxUsers the most ids to list
 */
export function summarizeOnline(
  online: readonly string[],
  joiner: string,
  known: { onlineCount?: number; maxUsers?: number } = {},
): OnlineSummary {
  const maxUsers = known.maxUsers ?? DEFAULT_LIMITS.onlineListMax;
  const list = [joiner];
  let bytes = jsonBytes(list);
  let full = false;
  const seen = new Set(list);
  for (const user of online) {
    if (seen.has(user)) continue;
    seen.add(user);
    if (full) continue;
    const added = 1 + jsonStringBytes(user); // a comma and the id
    if (list.length >= maxUsers || bytes + added > ONLINE_LIST_MAX_BYTES) {
      full = true;
      continue;
    }
    list.push(user);
    bytes += added;
  }
  return { online: list, onlineCount: Math.max(known.onlineCount ?? 0, seen.size) };
}
