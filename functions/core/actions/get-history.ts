import { ChatError } from '../errors.js';
import type { GetHistoryRequest } from '../frames.js';
import { readHistory } from '../history.js';
import { HISTORY_DEFAULT_LIMIT } from '../limits.js';
import { hasJoined } from '../membership.js';
import { pageEndFor } from '../page-fit.js';
import { readerPage } from '../reactions.js';
import { historyStart } from '../retention.js';
import type { ActionHandler } from './types.js';

export const getHistory: ActionHandler<GetHistoryRequest> = async (
  deps,
  caller,
  request,
  reply,
) => {
  const { roomId } = request;
  if (!(await hasJoined(deps, roomId, caller.connectionId))) {
    throw new ChatError('forbidden', `Join room ${roomId} before reading its history`);
  }
  const query = {
    before: request.before,
    after: request.after,
    limit: request.limit ?? HISTORY_DEFAULT_LIMIT,
  };
  const page = await readHistory(deps, roomId, query);
  await reply(
    await readerPage(deps, roomId, caller.userId, page, pageEndFor(query), {
      ...historyStart(page.firstSeq),
    }),
  );
};
