/**
 * Taking a user out of a room at once: when they are removed or banned (or leave for good),
 * each of their live connections in the room is taken out of it (DynamoDB, then the cache,
 * as a leave) and told `removed`, so nothing more from the room reaches it; a delivery
 * already queued checks its audience before posting (fanout-job.ts) and skips them too.
 * Their next request there finds them not joined (`forbidden`), and a join is refused by
 * the record (banned, or a private room they are no longer a member of).
 */
import { deliver } from './fanout.js';
import { formatOf, serializeFrame } from './frame-format.js';
import { leaveConnection, readRoomConnections } from './membership.js';
import type { RoomConnection } from './message.js';
import type { ChatDeps } from './ports.js';
import { announcePresence, presenceAudience } from './presence.js';
import type { RemovedFrame } from './server-frames.js';

/**
 * Takes `userId`'s connections out of the room and tells them; resolves with the room's
 * connections that are left, the audience of whatever the room hears next about it.
 */
export async function removeFromRoom(
  deps: ChatDeps,
  roomId: string,
  userId: string,
  reason: RemovedFrame['reason'],
): Promise<RoomConnection[]> {
  const connections = await readRoomConnections(deps, roomId);
  const theirs = connections.filter((c) => c.userId === userId);
  let last: Awaited<ReturnType<typeof leaveConnection>> | undefined;
  let lastConnection: RoomConnection | undefined;
  for (const connection of theirs) {
    const left = await leaveConnection(deps, roomId, connection);
    if (left.wasJoined) {
      last = left;
      lastConnection = connection;
    }
  }
  // The frame goes to each connection directly, not through the room: they are no longer in it.
  await Promise.all(
    theirs.map((c) =>
      deps.sender
        .send(c.connectionId, serializeFrame({ type: 'removed', roomId, reason }, formatOf(c)))
        .catch((error: unknown) => {
          deps.log.warn('could not tell a connection it was removed', {
            roomId,
            error: String(error),
          });
        }),
    ),
  );
  if (last && lastConnection) {
    const audience = await presenceAudience(deps, roomId, last.cached, lastConnection);
    await announcePresence(deps, roomId, audience, userId, 'offline');
  }
  return connections.filter((c) => c.userId !== userId);
}

/**
 * Sends `frame` to the room's connections but `except`: `audience` when the caller has just
 * read them, else the room as it is now.
 */
export async function tellRoom(
  deps: ChatDeps,
  roomId: string,
  frame: Parameters<typeof deliver>[3],
  except: string,
  audience?: readonly RoomConnection[],
): Promise<void> {
  const connections = audience ?? (await readRoomConnections(deps, roomId));
  await deliver(
    deps,
    roomId,
    connections.filter((c) => c.connectionId !== except),
    frame,
  );
}
