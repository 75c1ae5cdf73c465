/**
 * Who is in a room right now: the cache first, DynamoDB on a miss (then refilled).
 * Reads fall back to the durable store when the cache fails, so a Redis outage slows
 * delivery down but does not stop it.
 */
import type { RoomConnection } from './message.js';
import type { ChatDeps } from './ports.js';

export async function readRoomConnections(
  deps: ChatDeps,
  roomId: string,
): Promise<RoomConnection[]> {
  return (await readAudience(deps, roomId)).connections;
}

export interface Audience {
  connections: RoomConnection[];
  /** The cache's join stamp when the list came from the cache (see RoomCache). */
  joinStamp?: string;
}

/** The room's connections, with the cache's join stamp when it answered. */
export async function readAudience(deps: ChatDeps, roomId: string): Promise<Audience> {
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
