/**
 * Presence: who is online in a room, and what the room hears when that changes. Every
 * presence decision is made here; the stores only keep the counts and lists it reads.
 *
 * - Who is owed a frame: nobody while the user has another connection in the room; in a
 *   room of at most `presenceFullMax` connections, a `presence` frame to each other
 *   connection; in a bigger one, a `presence_count` instead, because per-user frames cost a
 *   post to every member on every join and leave: with API Gateway closing every connection
 *   at 2 h, churn alone costs ~N^2/3,600 posts/s.
 * - How often a big room hears its count: `presenceCountPeriod`.
 * - How much of the room a store's answer carries: `presenceView`, which the Redis scripts
 *   and the in-memory cache take as arguments (they never read the limits themselves).
 */
import { deliver } from './fanout.js';
import type { ChatLimits } from './limits.js';
import { readRoomConnections } from './membership.js';
import { onlineUsers, type RoomConnection } from './message.js';
import type { ChatDeps, PresenceChange, PresenceView } from './ports.js';
import type { PresenceFrame } from './server-frames.js';

/**
 * How much of the room a presence answer carries: `online` up to the reply's list, and the
 * other connections only where they are owed a frame each (see `presenceAudience`).
 */
export function presenceView(deps: { limits: ChatLimits }): PresenceView {
  return { onlineMax: deps.limits.onlineListMax, othersMax: deps.limits.presenceFullMax };
}

/**
 * A room's presence just after `who` joined or left, from all of its connections after
 * the change: what a cache answers (the in-memory one computes it so; Redis's scripts
 * compute the same from per-user counts), and what the core works out itself when the
 * cache did not have the room. `who.userId` undefined: the room did not list the
 * connection, so nothing changed and nobody is owed a frame.
 */
export function presenceAfter(
  connections: readonly RoomConnection[],
  who: { connectionId: string; userId: string | undefined },
  view: PresenceView,
): PresenceChange {
  const users = onlineUsers(connections);
  const others = connections.filter((c) => c.connectionId !== who.connectionId);
  const userHasOthers = who.userId === undefined || others.some((c) => c.userId === who.userId);
  const change: PresenceChange = {
    online: users.slice(0, view.onlineMax),
    onlineCount: users.length,
    connectionCount: connections.length,
    userHasOthers,
  };
  if (!userHasOthers && connections.length <= view.othersMax) change.others = others;
  return change;
}

export interface Audience {
  /**
   * User ids with a connection in the room after the change (a joiner included), at most
   * `onlineListMax` of them.
   */
  online: string[];
  /** How many users have a connection in the room. */
  onlineCount: number;
  /** The connections owed a `presence` frame; absent when nobody is. */
  announceTo?: readonly RoomConnection[];
  /** Set in a big room whose online users changed: it is owed a `presence_count`. */
  countChanged?: { connectionCount: number };
}

/**
 * After `who` joined or left a room: who is online, and who must hear that the user came
 * online or went offline (nobody while the user has another connection there). From the
 * cache's answer when it had the room, else from the durable store, which the caller has
 * already updated.
 */
export async function presenceAudience(
  deps: ChatDeps,
  roomId: string,
  cached: PresenceChange | undefined,
  who: RoomConnection,
): Promise<Audience> {
  const change =
    cached ?? presenceAfter(await readRoomConnections(deps, roomId), who, presenceView(deps));
  const { online, onlineCount, connectionCount } = change;
  if (change.userHasOthers) return { online, onlineCount };
  // The view asked for `others` exactly up to presenceFullMax connections.
  if (connectionCount > deps.limits.presenceFullMax || !change.others) {
    return { online, onlineCount, countChanged: { connectionCount } };
  }
  return { online, onlineCount, announceTo: change.others };
}

/**
 * Tells the room that `userId` came online or went offline: a `presence` frame to each
 * connection owed one, or, in a big room, a `presence_count` scheduled for later.
 */
export async function announcePresence(
  deps: ChatDeps,
  roomId: string,
  audience: Audience,
  userId: string,
  status: 'online' | 'offline',
  options: { cleanUpGone?: boolean; lastSeen?: number } = {},
): Promise<void> {
  if (audience.announceTo) {
    const { lastSeen, ...deliverOptions } = options;
    const frame: PresenceFrame = { type: 'presence', roomId, userId, status };
    if (status === 'offline' && lastSeen !== undefined) {
      frame.lastSeen = new Date(lastSeen).toISOString();
    }
    await deliver(deps, roomId, audience.announceTo, frame, deliverOptions);
  } else if (audience.countChanged) {
    await schedulePresenceCount(deps, roomId, audience.countChanged.connectionCount);
  }
}

/**
 * How long a room waits between two counts: at least `presenceCountMinSeconds`, and long
 * enough that its counts cost at most `presenceCountPostsPerSecond`; never more than the
 * queue can delay a job (15 minutes).
 */
export function presenceCountPeriod(deps: ChatDeps, connectionCount: number): number {
  const { presenceCountMinSeconds, presenceCountPostsPerSecond } = deps.limits;
  const forBudget = Math.ceil(connectionCount / presenceCountPostsPerSecond);
  return Math.min(900, Math.max(presenceCountMinSeconds, forBudget));
}

/**
 * The first change of a period claims it and queues the count to run at its end; the
 * count is read when the job runs, so it covers every change of the period, and the room
 * hears at most one count per period. Fails open: with the cache down, no count goes out
 * and the next change tries again (the count is a courtesy; messages never depend on it).
 */
async function schedulePresenceCount(
  deps: ChatDeps,
  roomId: string,
  connectionCount: number,
): Promise<void> {
  const seconds = presenceCountPeriod(deps, connectionCount);
  try {
    if (!(await deps.cache.claimPresenceCount(roomId, seconds))) return;
    await deps.queue.enqueue([{ kind: 'presence_count', roomId }], { delaySeconds: seconds });
  } catch (error) {
    deps.log.warn('could not schedule a presence count', { roomId, error: String(error) });
  }
}

/** The `presence_count` job: counts the room's users now and tells every connection. */
export async function sendPresenceCount(deps: ChatDeps, roomId: string): Promise<void> {
  const connections = await readRoomConnections(deps, roomId);
  const online = onlineUsers(connections).length;
  await deliver(deps, roomId, connections, { type: 'presence_count', roomId, online });
}
