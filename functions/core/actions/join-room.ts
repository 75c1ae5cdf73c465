import type { JoinRoomRequest } from '../frames.js';
import { readHistory } from '../history.js';
import { HISTORY_DEFAULT_LIMIT } from '../limits.js';
import { sweepStale, withoutStale } from '../liveness.js';
import { joinConnection } from '../membership.js';
import { summarizeOnline } from '../online-list.js';
import { pageEndFor } from '../page-fit.js';
import { announcePresence, presenceAudience } from '../presence.js';
import { readerPage } from '../reactions.js';
import { readState } from '../read-state.js';
import { historyStart } from '../retention.js';
import type { ActionHandler } from './types.js';

/**
 * Joins a room (membership.ts: PostgreSQL, DynamoDB, then the cache). Replies with history
 * and who is online, and announces the user to the room if this is their first connection
 * there.
 */
export const joinRoom: ActionHandler<JoinRoomRequest> = async (deps, caller, request, reply) => {
  const { roomId } = request;
  const { lastSeq, readSeq, rejoin, cached } = await joinConnection(deps, roomId, caller);
  // Whether the room is encrypted: read once per runtime (the flag never changes), after
  // the join, which may have just created the room.
  const [audience, encrypted] = await Promise.all([
    presenceAudience(deps, roomId, cached, caller),
    deps.roomFacts.encrypted(roomId),
  ]);
  // Users whose only connections here went silent past the presence TTL are not listed.
  const seen = await withoutStale(deps, roomId, audience, caller.userId);

  const query = { after: request.since, limit: request.limit ?? HISTORY_DEFAULT_LIMIT };
  const page = await readHistory(deps, roomId, query, lastSeq);
  await reply(
    await readerPage(deps, roomId, caller.userId, page, pageEndFor(query), {
      ...historyStart(page.firstSeq),
      // The cache's list is already cut to `onlineListMax`; this also keeps the joiner
      // in it and caps its bytes (long user ids), with the cache's count of everyone.
      ...summarizeOnline(seen.online, caller.userId, {
        onlineCount: seen.onlineCount,
        maxUsers: deps.limits.onlineListMax,
      }),
      lastSeq,
      ...readState(lastSeq, readSeq),
      ...(encrypted ? { encrypted: true as const } : {}),
    }),
  );

  // DynamoDB, not the cache, says whether this is a re-join: a cold cache is read after
  // the join was written and so already lists the joining connection.
  if (!rejoin) await announcePresence(deps, roomId, audience, caller.userId, 'online');
  await sweepStale(deps, seen.stale);
};
