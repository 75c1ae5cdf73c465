/** Helpers for tests of the room cache port. */
import type { RoomCache } from '../../functions/core/ports.js';
import type { RedisClient } from '../../functions/stores/redis/scripts.js';

/** The version a fill must present, read as a send does; the room must not be cached. */
export async function missVersion(cache: RoomCache, room: string): Promise<string> {
  const cached = await cache.roomConnections(room);
  if (cached.connections) throw new Error(`room ${room} is cached`);
  return cached.version;
}

/** Every key of one room under `prefix` (they share a slot, so one DEL works on a cluster). */
export function forgetRoom(client: RedisClient, prefix: string, roomId: string): Promise<number> {
  const parts = ['conns', 'users', 'ver', 'recent', 'floor'];
  return client.del(...parts.map((part) => `${prefix}{r:${roomId}}:${part}`));
}
