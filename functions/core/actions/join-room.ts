import type { JoinRoomRequest } from '../frames.js';
import { readHistory } from '../history.js';
import { HISTORY_DEFAULT_LIMIT } from '../limits.js';
import { summarizeOnline } from '../online-list.js';
import { fitHistoryFrame, pageEndFor } from '../page-fit.js';
import { announcePresence, presenceAudience, presenceView } from '../presence.js';
import type { ActionHandler } from './types.js';

/**
 * Joins a room: membership in PostgreSQL (creating a public room on first join), the
 * connection in DynamoDB, then the cache. Replies with history and who is online, and
 * announces the user to the room if this is their first connection there.
 */
export const joinRoom: ActionHandler<JoinRoomRequest> = async (deps, caller, request, reply) => {
  const { roomId } = request;
  const { lastSeq } = await deps.messages.joinRoom(roomId, caller.userId);
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
  const audience = await presenceAudience(deps, roomId, cached, caller);

  const query = { after: request.since, limit: request.limit ?? HISTORY_DEFAULT_LIMIT };
  const page = await readHistory(deps, roomId, query, lastSeq);
  await reply(
    fitHistoryFrame(
      {
        type: 'room_history',
        roomId,
        messages: page.messages,
        hasMore: page.hasMore,
        // The cache's list is already cut to `onlineListMax`; this also keeps the joiner
        // in it and caps its bytes (long user ids), with the cache's count of everyone.
        ...summarizeOnline(audience.online, caller.userId, {
          onlineCount: audience.onlineCount,
          maxUsers: deps.limits.onlineListMax,
        }),
        lastSeq,
      },
      pageEndFor(query),
    ),
  );

  // DynamoDB, not the cache, says whether this is a re-join: a cold cache is read after
  // the join was written and so already lists the joining connection.
  if (!rejoin) await announcePresence(deps, roomId, audience, caller.userId, 'online');
};
