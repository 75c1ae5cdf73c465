import type { LeaveRoomRequest } from '../frames.js';
import { leaveConnection } from '../membership.js';
import { announcePresence, presenceAudience } from '../presence.js';
import type { ActionHandler } from './types.js';

/**
 * Leaves a room. Idempotent: leaving a room the connection has not joined still answers
 * `left`. Announces the user offline when this was their last connection in the room.
 */
export const leaveRoom: ActionHandler<LeaveRoomRequest> = async (deps, caller, request, reply) => {
  const { roomId } = request;
  const { wasJoined, cached } = await leaveConnection(deps, roomId, caller);
  await reply({ type: 'left', roomId });
  if (!wasJoined) return;
  const audience = await presenceAudience(deps, roomId, cached, caller);
  await announcePresence(deps, roomId, audience, caller.userId, 'offline');
};
