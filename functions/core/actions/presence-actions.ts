/**
 * `set_status`, `get_presence` and `ping` (protocol v2, "Read state, typing, presence").
 * Liveness (core/liveness.ts) decides who counts as online; statuses are in
 * core/user-status.ts; the list's shape and size in core/presence-list.ts.
 */
import { ChatError } from '../errors.js';
import { deliver } from '../fanout.js';
import type { GetPresenceRequest, PingRequest, SetStatusRequest } from '../live-frames.js';
import { checkLiveness, sweepStale } from '../liveness.js';
import { readRoomConnections } from '../membership.js';
import { onlineUsers } from '../message.js';
import type { ChatDeps, UserStatus } from '../ports.js';
import { presenceEntries } from '../presence-list.js';
import { readStatuses, readUserStates, storeStatus } from '../user-status.js';
import type { ActionHandler } from './types.js';

/** Rooms whose status frames are posted at once: bounds the invocation's open posts. */
const STATUS_ROOMS_AT_ONCE = 10;

/**
 * Stores the status (durably, then the cache), answers `status`, then tells each room the
 * user's connections have joined: `presence {status, text?}` to every other connection
 * there, in rooms of at most `presenceFullMax` connections (a bigger one hears counts,
 * which a status does not change; its members see the status in `get_presence`).
 */
export const setStatus: ActionHandler<SetStatusRequest> = async (deps, caller, request, reply) => {
  const status: UserStatus = request.text === undefined ? { status: request.status } : request;
  await storeStatus(deps, caller.userId, { ...status });
  await reply({ type: 'status', ...status });
  const rooms = await roomsOfUser(deps, caller.userId);
  for (let i = 0; i < rooms.length; i += STATUS_ROOMS_AT_ONCE) {
    await Promise.all(
      rooms.slice(i, i + STATUS_ROOMS_AT_ONCE).map(async (roomId) => {
        const connections = await readRoomConnections(deps, roomId);
        if (connections.length > deps.limits.presenceFullMax) return;
        const others = connections.filter((c) => c.connectionId !== caller.connectionId);
        await deliver(deps, roomId, others, {
          type: 'presence',
          roomId,
          userId: caller.userId,
          ...status,
        });
      }),
    );
  }
};

/**
 * The rooms of all the user's live connections: one Query of the user's partition, then
 * one of each connection's (at most `maxConnectionsPerUser` x `maxRoomsPerConnection`).
 */
async function roomsOfUser(deps: ChatDeps, userId: string): Promise<string[]> {
  const ids = await deps.connections.connectionIdsOf(userId);
  const rooms = await Promise.all(ids.map((id) => deps.connections.roomsOf(id)));
  return [...new Set(rooms.flat())];
}

/**
 * Who is in the room: its users with a live connection, then its other members offline
 * with `lastSeen`. The caller's connection must have joined it. Connections found silent
 * past the TTL are listed offline and swept out after the answer (core/liveness.ts).
 */
export const getPresence: ActionHandler<GetPresenceRequest> = async (
  deps,
  caller,
  { roomId },
  reply,
) => {
  const now = Date.now();
  const connections = await readRoomConnections(deps, roomId);
  if (!connections.some((c) => c.connectionId === caller.connectionId)) {
    throw new ChatError('forbidden', `Join ${roomId} before asking who is in it`);
  }
  // The caller has just sent a frame: live whatever its heartbeat's timing says.
  const others = connections.filter((c) => c.connectionId !== caller.connectionId);
  const checked = await checkLiveness(deps, others, now);
  const isLive = new Set(checked.live.map((c) => c.connectionId)).add(caller.connectionId);
  const live = connections.filter((c) => isLive.has(c.connectionId));
  const { stale } = checked;
  const maxUsers = deps.limits.onlineListMax;
  const everyoneOnline = onlineUsers(live);
  const online = everyoneOnline.slice(0, maxUsers);
  const isOnline = new Set(everyoneOnline);
  const lastActive = new Map<string, number>();
  for (const { connection, lastActive: at } of stale) {
    if (isOnline.has(connection.userId)) continue;
    lastActive.set(connection.userId, Math.max(at, lastActive.get(connection.userId) ?? 0));
  }
  const { members } = await deps.rooms.listMembers(roomId, { limit: maxUsers });
  const offline = [
    ...lastActive.keys(),
    ...members.map((m) => m.userId).filter((id) => !isOnline.has(id) && !lastActive.has(id)),
  ].slice(0, Math.max(0, maxUsers - online.length));
  const [statuses, states] = await Promise.all([
    readStatuses(deps, online),
    readUserStates(deps, offline),
  ]);
  const users = presenceEntries({ online, statuses, offline, states, lastActive, maxUsers });
  await reply({ type: 'presence_list', roomId, users });
  await sweepStale(deps, stale);
};

/** `pong`: the route shell has already noted the frame as the connection's heartbeat. */
export const ping: ActionHandler<PingRequest> = async (_deps, _caller, _request, reply) => {
  await reply({ type: 'pong' });
};
