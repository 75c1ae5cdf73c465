/**
 * Membership: who is in a room, and joining, leaving and dropping a connection. A user's
 * membership of a room is in PostgreSQL; which of their connections joined it is in
 * DynamoDB (durable) and in the cache (what fan-out reads), and every write here keeps
 * the two in step. Reads take the cache first, DynamoDB on a miss (then refilled), and
 * fall back to DynamoDB when the cache fails, so a Redis outage slows delivery down but
 * does not stop it. What the room is told about it is presence.ts's to decide.
 */
import { ChatError } from './errors.js';
import type { DeliverOptions } from './fanout.js';
import type { Caller, RoomConnection } from './message.js';
import type { ChatDeps, PresenceChange } from './ports.js';
import { announcePresence, presenceAudience, presenceView } from './presence.js';

export async function readRoomConnections(
  deps: ChatDeps,
  roomId: string,
): Promise<RoomConnection[]> {
  return (await readAudience(deps, roomId)).connections;
}

export interface RoomAudience {
  connections: RoomConnection[];
  /** The cache's join stamp when the list came from the cache (see RoomCache). */
  joinStamp?: string;
}

/** The room's connections, with the cache's join stamp when it answered. */
export async function readAudience(deps: ChatDeps, roomId: string): Promise<RoomAudience> {
  let version: string | undefined;
  try {
    const cached = await deps.cache.roomConnections(roomId);
    if (cached.connections) return { connections: cached.connections, joinStamp: cached.joinStamp };
    version = cached.version;
  } catch (error) {
    deps.log.warn('cache read failed; reading connections from the durable store', {
      roomId,
      error: String(error),
    });
  }
  const connections = await deps.connections.roomConnections(roomId);
  if (version !== undefined) {
    await deps.cache.fillRoomConnections(roomId, connections, version).catch((error: unknown) => {
      deps.log.warn('cache fill failed', { roomId, error: String(error) });
    });
  }
  return { connections };
}

/**
 * The room's connections, once they show the caller's connection has joined (`forbidden`
 * with `refusal` otherwise): one read both authorizes and lists. `admitted` (the rate
 * limiter's answer, issued in the same turn) is awaited with it, so the two share a Redis
 * round trip; a refusal throws before anything is written.
 */
export async function joinedAudience(
  deps: ChatDeps,
  roomId: string,
  caller: Caller,
  admitted: Promise<void> | undefined,
  refusal: string,
): Promise<RoomAudience> {
  const [audience] = await Promise.all([readAudience(deps, roomId), admitted]);
  if (!audience.connections.some((c) => c.connectionId === caller.connectionId)) {
    throw new ChatError('forbidden', refusal);
  }
  return audience;
}

/** Whether a connection has joined a room: the cache, else DynamoDB. */
export async function hasJoined(
  deps: ChatDeps,
  roomId: string,
  connectionId: string,
): Promise<boolean> {
  try {
    const cached = await deps.cache.isInRoom(roomId, connectionId);
    if (cached !== undefined) return cached;
  } catch (error) {
    deps.log.warn('cache read failed; checking the durable store', {
      roomId,
      error: String(error),
    });
  }
  return deps.connections.isInRoom(roomId, connectionId);
}

export interface Joined {
  /** The room's last seq. */
  lastSeq: number;
  /** The user's read cursor in the room, read by the same statement as `lastSeq`. */
  readSeq: number;
  /** Whether the connection had joined the room already (DynamoDB says so). */
  rejoin: boolean;
  /** The cache's presence answer, or undefined when it did not have the room. */
  cached: PresenceChange | undefined;
}

/**
 * Refuses a join that would take the connection past `maxRoomsPerConnection` (a rejoin of
 * a room it has is never refused). One read of DynamoDB, which knows a connection's rooms;
 * two joins racing at the cap may both pass: the cap bounds a connection's fan-out, it
 * need not be exact.
 */
export async function checkRoomCap(deps: ChatDeps, roomId: string, caller: Caller): Promise<void> {
  const max = deps.limits.maxRoomsPerConnection;
  const rooms = await deps.connections.roomsOf(caller.connectionId);
  if (rooms.length >= max && !rooms.includes(roomId)) {
    throw new ChatError(
      'forbidden',
      `A connection may join at most ${max} rooms; leave one before joining ${roomId}`,
    );
  }
}

/**
 * Joins a connection to a room: the user's membership in PostgreSQL (creating a public
 * room on first join), the connection in DynamoDB, then the cache. Refused past the cap on
 * rooms per connection, before anything is written.
 */
export async function joinConnection(
  deps: ChatDeps,
  roomId: string,
  caller: Caller,
): Promise<Joined> {
  await checkRoomCap(deps, roomId, caller);
  const { lastSeq, readSeq } = await deps.messages.joinRoom(roomId, caller.userId);
  const rejoin = await deps.connections.addToRoom(roomId, caller);
  const cached = await deps.cache
    .addRoomConnection(roomId, caller, presenceView(deps))
    .catch(async (error: unknown) => {
      // The cache must learn of every join or fan-out would miss this connection; if it
      // cannot, undo the DynamoDB half so the client's retry starts from a clean state.
      if (!rejoin)
        await deps.connections.removeFromRoom(roomId, caller.connectionId).catch(() => {});
      throw error;
    });
  return { lastSeq, readSeq, rejoin, cached };
}

export interface Left {
  /** Whether the connection had joined the room (DynamoDB says so). */
  wasJoined: boolean;
  /** The cache's presence answer, or undefined when it did not have the room. */
  cached: PresenceChange | undefined;
}

/** Takes a connection out of a room: DynamoDB, then the cache. */
export async function leaveConnection(
  deps: ChatDeps,
  roomId: string,
  caller: Caller,
): Promise<Left> {
  const wasJoined = await deps.connections.removeFromRoom(roomId, caller.connectionId);
  const cached = await deps.cache
    .removeRoomConnection(roomId, caller.connectionId, presenceView(deps))
    .catch(async (error: unknown) => {
      // The cache would keep delivering this room to the connection; put the DynamoDB
      // half back so both still agree it is joined, and let the client retry the leave.
      if (wasJoined) await deps.connections.addToRoom(roomId, caller).catch(() => {});
      throw error;
    });
  return { wasJoined, cached };
}

export interface DropOptions extends DeliverOptions {
  /**
   * Where the connection was found, when a post to it answered 410. It is removed from
   * that room even if its own records are already gone (a $disconnect that reached
   * DynamoDB but not the cache, an expired item), or the room would post to it forever.
   */
  seenIn?: RoomConnection & { roomId: string };
  /**
   * When the connection last sent a frame (ms), for one swept as silent past the presence
   * TTL; else it went now. What `offline` frames and the user's `lastSeen` say.
   */
  lastSeen?: number;
}

/**
 * Removes a connection everywhere (DynamoDB first, then the cache) and tells each room
 * it had joined that its user went offline when this was the user's last connection there.
 * Used by $disconnect and for connections a post found gone (410).
 */
export async function dropConnection(
  deps: ChatDeps,
  connectionId: string,
  options: DropOptions = {},
): Promise<void> {
  const lastSeen = options.lastSeen ?? Date.now();
  const dropped = await deps.connections.deleteConnection(connectionId);
  const userId = dropped.userId ?? options.seenIn?.userId;
  /** Rooms whose durable record listed the connection until now. */
  const left = new Set(dropped.rooms);
  const rooms = new Set(dropped.rooms);
  const seenIn = options.seenIn?.roomId;
  if (seenIn !== undefined && !rooms.has(seenIn)) {
    if (await deps.connections.removeFromRoom(seenIn, connectionId)) left.add(seenIn);
    rooms.add(seenIn);
  }
  const view = presenceView(deps);
  await Promise.all(
    [...rooms].map(async (roomId) => {
      const cached = await deps.cache.removeRoomConnection(roomId, connectionId, view);
      // Told only where something was removed: a connection that had already left (a
      // stale slice's 410, a $disconnect after its leave) must not make its user go offline
      // a second time. The cache says so when it has the room; else the durable record.
      if (userId === undefined || (cached === undefined && !left.has(roomId))) return;
      const audience = await presenceAudience(deps, roomId, cached, { connectionId, userId });
      await announcePresence(deps, roomId, audience, userId, 'offline', {
        ...options,
        lastSeen,
      });
    }),
  );
  if (userId !== undefined) await recordLastSeen(deps, userId, lastSeen);
}

/**
 * Records when the user was last seen, once their last connection went: one Query of
 * their partition, then one write. Fails soft: `lastSeen` is a courtesy, and the
 * connection is already gone everywhere.
 */
async function recordLastSeen(deps: ChatDeps, userId: string, at: number): Promise<void> {
  try {
    if ((await deps.connections.liveConnectionsOf(userId)) === 0) {
      await deps.connections.putLastSeen(userId, at);
    }
  } catch (error) {
    deps.log.warn('could not record lastSeen', { error: String(error) });
  }
}
