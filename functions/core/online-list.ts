/**
 * The `online` list of a `join_room` reply. A room's online users can run to thousands
 * (2,500 ids of 64 characters are 167 KB of JSON, past API Gateway's 128 KB), so the reply
 * lists the joiner and then others up to `ONLINE_LIST_MAX_USERS` ids and
 * `ONLINE_LIST_MAX_BYTES` of JSON, and `onlineCount` says how many are online in all.
 */
import { jsonBytes, jsonStringBytes } from './json-bytes.js';
import { ONLINE_LIST_MAX_BYTES, ONLINE_LIST_MAX_USERS } from './limits.js';

export interface OnlineSummary {
  /** The joiner first, then others in the order given, within the caps. */
  online: string[];
  /** Users online in the room, the joiner included. */
  onlineCount: number;
}

export function summarizeOnline(online: readonly string[], joiner: string): OnlineSummary {
  const list = [joiner];
  let bytes = jsonBytes(list);
  let full = false;
  const seen = new Set(list);
  for (const user of online) {
    if (seen.has(user)) continue;
    seen.add(user);
    if (full) continue;
    const added = 1 + jsonStringBytes(user); // a comma and the id
    if (list.length >= ONLINE_LIST_MAX_USERS || bytes + added > ONLINE_LIST_MAX_BYTES) {
      full = true;
      continue;
    }
    list.push(user);
    bytes += added;
  }
  return { online: list, onlineCount: seen.size };
}
