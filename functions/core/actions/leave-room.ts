import type { LeaveRoomRequest } from '../frames.js';
import { announcePresence, presenceAudience, presenceView } from '../presence.js';
import type { ActionHandler } from './types.js';

/**
 * Leaves a room. Idempotent: leaving a room the connection has not joined still answers
 * `left`. Announces the user offline when this was their last connection in the room.
 */
export const leaveRoom: ActionHandler<LeaveRoomRequest> = async (deps, caller, request, reply) => {
  const { roomId } = request;
  const wasJoined = await deps.connections.removeFromRoom(roomId, caller.connectionId);
  const cached = await deps.cache
    .removeRoomConnection(roomId, caller.connectionId, presenceView(deps))
    .catch(async (error: unknown) => {
      // The cache would keep delivering this room to the connection; put the DynamoDB
      // half back so both still agree it is joined, and let the client retry the leave.
      if (wasJoined) await deps.connections.addToRoom(roomId, caller).catch(() => {});
      throw error;
    });
  await reply({ type: 'left', roomId });
  if (!wasJoined) return;
  const audience = await presenceAudience(deps, roomId, cached, caller);
  await announcePresence(deps, roomId, audience, caller.userId, 'offline');
};
