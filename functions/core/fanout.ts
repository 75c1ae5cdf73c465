/** Delivery to many connections, and the clean-up of those that turned out to be gone. */
import type { RoomConnection } from './message.js';
import type { ChatDeps } from './ports.js';
import type { ServerFrame } from './server-frames.js';

export interface DeliverOptions {
  /** Clean up gone connections (and announce their users offline). Off inside a clean-up. */
  cleanUpGone?: boolean;
}

export async function deliver(
  deps: ChatDeps,
  to: readonly RoomConnection[],
  frame: ServerFrame,
  options: DeliverOptions = {},
): Promise<void> {
  if (to.length === 0) return;
  const ids = to.map((c) => c.connectionId);
  const { gone } = await deps.sender.broadcast(ids, JSON.stringify(frame));
  if (gone.length === 0 || options.cleanUpGone === false) return;
  await Promise.all(
    gone.map((connectionId) =>
      dropConnection(deps, connectionId, { cleanUpGone: false }).catch((error: unknown) => {
        deps.log.warn('could not clean up a gone connection', {
          connectionId,
          error: String(error),
        });
      }),
    ),
  );
}

/**
 * Removes a connection everywhere (DynamoDB first, then the cache) and tells each room
 * it had joined that its user went offline when this was the user's last connection there.
 * Used by $disconnect and for connections a post found gone (410).
 */
export async function dropConnection(
  deps: ChatDeps,
  connectionId: string,
  options: DeliverOptions = {},
): Promise<void> {
  const { userId, rooms } = await deps.connections.deleteConnection(connectionId);
  await Promise.all(
    rooms.map(async (roomId) => {
      const remaining =
        (await deps.cache.removeRoomConnection(roomId, connectionId)) ??
        (await deps.connections.roomConnections(roomId));
      if (userId !== undefined && !remaining.some((c) => c.userId === userId)) {
        await deliver(
          deps,
          remaining,
          { type: 'presence', roomId, userId, status: 'offline' },
          options,
        );
      }
    }),
  );
}
