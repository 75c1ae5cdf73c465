import { ChatError } from '../errors.js';
import { HISTORY_DEFAULT_LIMIT } from '../limits.js';
import type { GetThreadRequest } from '../live-frames.js';
import { hasJoined } from '../membership.js';
import { readerPage } from '../reactions.js';
import type { ActionHandler } from './types.js';

/**
 * A page of a thread (protocol v2, `get_thread`): the direct replies to `seq`, oldest
 * first, after `after`, as `room_history`. Read from PostgreSQL (the window holds the
 * room's newest messages, not a thread's), cut to one reply from the oldest end, so the
 * client goes on with `after` = the last seq it got while `hasMore`.
 */
export const getThread: ActionHandler<GetThreadRequest> = async (deps, caller, request, reply) => {
  const { roomId, seq } = request;
  if (!(await hasJoined(deps, roomId, caller.connectionId))) {
    throw new ChatError('forbidden', `Join room ${roomId} before reading its threads`);
  }
  const page = await deps.messages.thread(roomId, seq, {
    after: request.after,
    limit: request.limit ?? HISTORY_DEFAULT_LIMIT,
  });
  await reply(await readerPage(deps, roomId, caller.userId, page, 'oldest'));
};
