/** Delivery to a room's connections, and the clean-up of those that turned out to be gone. */
import type { RoomConnection } from './message.js';
import type { ChatDeps } from './ports.js';
import { presenceAudience } from './room-connections.js';
import type { ServerFrame } from './server-frames.js';

export interface DeliverOptions {
  /** Clean up gone connections (and announce their users offline). Off inside a clean-up. */
  cleanUpGone?: boolean;
}

/** Sends one frame to connections of `roomId`; any found gone are removed everywhere. */
export async function deliver(
  deps: ChatDeps,
  roomId: string,
  to: readonly RoomConnection[],
  frame: ServerFrame,
  options: DeliverOptions = {},
): Promise<void> {
  if (to.length === 0) return;
  const { gone } = await deps.sender.broadcast(
    to.map((c) => c.connectionId),
    JSON.stringify(frame),
  );
  if (gone.length === 0 || options.cleanUpGone === false) return;
  const goneSet = new Set(gone);
  await Promise.all(
    to
      .filter((c) => goneSet.has(c.connectionId))
      .map((c) =>
        dropConnection(deps, c.connectionId, {
          cleanUpGone: false,
          seenIn: { roomId, ...c },
        }).catch((error: unknown) => {
          deps.log.warn('could not clean up a gone connection', {
            connectionId: c.connectionId,
            error: String(error),
          });
        }),
      ),
  );
}

export interface DropOptions extends DeliverOptions {
  /**
   * Where the connection was found, when a post to it answered 410. It is removed from
   * that room even if its own records are already gone (a $disconnect that reached
   * DynamoDB but not the cache, an expired item), or the room would post to it forever.
   */
  seenIn?: RoomConnection & { roomId: string };
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
  const dropped = await deps.connections.deleteConnection(connectionId);
  const userId = dropped.userId ?? options.seenIn?.userId;
  const rooms = new Set(dropped.rooms);
  const seenIn = options.seenIn?.roomId;
  if (seenIn !== undefined && !rooms.has(seenIn)) {
    await deps.connections.removeFromRoom(seenIn, connectionId);
    rooms.add(seenIn);
  }
  await Promise.all(
    [...rooms].map(async (roomId) => {
      const cached = await deps.cache.removeRoomConnection(roomId, connectionId, userId);
      if (userId === undefined) return;
      const { announceTo } = await presenceAudience(deps, roomId, cached, { connectionId, userId });
      if (announceTo) {
        await deliver(
          deps,
          roomId,
          announceTo,
          { type: 'presence', roomId, userId, status: 'offline' },
          options,
        );
      }
    }),
  );
}
