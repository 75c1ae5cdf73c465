/**
 * Liveness: a connection that has sent nothing (not even `ping`) for `presenceTtlSec`
 * counts as gone, because `$disconnect` is best effort on AWS. Every frame a connection
 * sends notes its time (`noteActivity`, from the route shell, in the same Redis round trip
 * as the rate limiter's take); presence reads (`get_presence`, `join_room`) check the
 * room's connections and sweep the stale ones out as `$disconnect` would have, announcing
 * their users offline with `lastSeen` set to their last frame.
 *
 * Everything here fails open: with the cache down every connection counts as live (the
 * durable store's 2-hour TTL still bounds a lost one), and a frame is never refused for
 * want of a heartbeat.
 */
import { dropConnection, readRoomConnections } from './membership.js';
import type { Caller, RoomConnection } from './message.js';
import type { ChatDeps } from './ports.js';

/**
 * Notes that the caller sent a frame now. Started in the same turn as the request's other
 * Redis calls so it costs no round trip of its own; never rejects.
 */
export function noteActivity(deps: ChatDeps, caller: Caller, now = Date.now()): Promise<void> {
  return deps.presence.touch(caller.connectionId, now).catch((error: unknown) => {
    deps.log.warn('could not note activity', { error: String(error) });
  });
}

export interface Liveness {
  live: RoomConnection[];
  /** Connections silent past the TTL, with when each last sent a frame (ms). */
  stale: { connection: RoomConnection; lastActive: number }[];
}

/**
 * Sorts connections into live and stale. At most `presenceFullMax` are checked (one
 * pipelined round trip): the rest of a big room count as live, and are swept when a
 * post to them answers 410 or their records expire.
 */
export async function checkLiveness(
  deps: ChatDeps,
  connections: readonly RoomConnection[],
  now = Date.now(),
): Promise<Liveness> {
  const checked = connections.slice(0, deps.limits.presenceFullMax);
  let times: number[];
  try {
    times = await deps.presence.lastActive(
      checked.map((c) => c.connectionId),
      now,
    );
  } catch (error) {
    deps.log.warn('could not read heartbeats; counting every connection live', {
      error: String(error),
    });
    return { live: [...connections], stale: [] };
  }
  const ttlMs = deps.limits.presenceTtlSec * 1000;
  const live: RoomConnection[] = [];
  const stale: Liveness['stale'] = [];
  checked.forEach((connection, i) => {
    const lastActive = times[i] ?? now;
    if (now - lastActive > ttlMs) stale.push({ connection, lastActive });
    else live.push(connection);
  });
  live.push(...connections.slice(checked.length));
  return { live, stale };
}

/**
 * Removes connections found stale as `$disconnect` would have: from the stores, their
 * users announced offline where it was their last connection, `lastSeen` their last frame.
 * Run after the reading request has answered; a failure is logged and the next read
 * tries again.
 */
export async function sweepStale(deps: ChatDeps, stale: Liveness['stale']): Promise<void> {
  await Promise.all(
    stale.map(({ connection, lastActive }) =>
      dropConnection(deps, connection.connectionId, { lastSeen: lastActive }).catch(
        (error: unknown) => {
          deps.log.warn('could not sweep a stale connection', { error: String(error) });
        },
      ),
    ),
  );
}

/**
 * A join reply's online users without those whose every connection in the room is stale,
 * and those stale connections, to sweep once the joiner has its answer. A room where the
 * joiner is alone, or of more than `presenceFullMax` users, costs nothing; else one
 * pipelined read of its heartbeats, and one read of the room (the cache) unless the join
 * already has the room's other connections (`announceTo`: the joiner's first connection
 * there, so none of the joiner's is among them).
 */
export async function withoutStale(
  deps: ChatDeps,
  roomId: string,
  seen: { online: string[]; onlineCount: number; announceTo?: readonly RoomConnection[] },
  joiner: string,
): Promise<{ online: string[]; onlineCount: number; stale: Liveness['stale'] }> {
  // A big room is not read whole on every join: its stale users are swept by get_presence,
  // a post's 410, or the connection records' TTL.
  if (seen.onlineCount <= 1 || seen.onlineCount > deps.limits.presenceFullMax) {
    return { online: seen.online, onlineCount: seen.onlineCount, stale: [] };
  }
  const connections = seen.announceTo ?? (await readRoomConnections(deps, roomId));
  const { live, stale } = await checkLiveness(deps, connections);
  const liveUsers = new Set(live.map((c) => c.userId));
  const gone = new Set(
    stale.map((s) => s.connection.userId).filter((u) => !liveUsers.has(u) && u !== joiner),
  );
  const { online, onlineCount } = seen;
  if (gone.size === 0) return { online, onlineCount, stale };
  return {
    online: online.filter((u) => !gone.has(u)),
    onlineCount: Math.max(1, onlineCount - gone.size),
    stale,
  };
}
