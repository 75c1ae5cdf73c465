/** Helpers for tests of the room cache port. */
import type { RoomCache } from '../../functions/core/ports.js';

/** The version a fill must present, read as a send does; the room must not be cached. */
export async function missVersion(cache: RoomCache, room: string): Promise<string> {
  const cached = await cache.roomConnections(room);
  if (cached.connections) throw new Error(`room ${room} is cached`);
  return cached.version;
}
