import { deliver } from '../fanout.js';
import type { LeaveRoomRequest } from '../frames.js';
import type { ActionHandler } from './types.js';

/**
 * Leaves a room. Idempotent: leaving a room the connection has not joined still answers
 * `left`. Announces the user offline when this was their last connection in the room.
 */
export const leaveRoom: ActionHandler<LeaveRoomRequest> = async (deps, caller, request, reply) => {
  const { roomId } = request;
  const wasJoined = await deps.connections.removeFromRoom(roomId, caller.connectionId);
  const cached = await deps.cache
    .removeRoomConnection(roomId, caller.connectionId)
    .catch(async (error: unknown) => {
      // The cache would keep delivering this room to the connection; put the DynamoDB
      // half back so both still agree it is joined, and let the client retry the leave.
      if (wasJoined) await deps.connections.addToRoom(roomId, caller).catch(() => {});
      throw error;
    });
  const remaining = cached ?? (await deps.connections.roomConnections(roomId));
  await reply({ type: 'left', roomId });
  if (wasJoined && !remaining.some((c) => c.userId === caller.userId)) {
    await deliver(deps, roomId, remaining, {
      type: 'presence',
      roomId,
      userId: caller.userId,
      status: 'offline',
    });
  }
};
