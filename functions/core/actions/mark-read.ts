import { deliver } from '../fanout.js';
import type { MarkReadRequest } from '../live-frames.js';
import { joinedAudience } from '../membership.js';
import { cursorAudience, readStateFrame, sendReceipt } from '../read-state.js';
import type { ActionHandler } from './types.js';

/**
 * Moves the caller's read cursor (protocol v2, "Read state"): one cache read both
 * authorizes the connection (it must have joined the room, as for a send) and lists the
 * room; one PostgreSQL statement moves the cursor. The caller gets `read_state`; when the
 * cursor moved, the user's other connections in the room get the same frame (every device
 * shows one unread count) and the other users may get a `read` receipt (read-state.ts).
 * A mark that does not move the cursor answers the current state and tells nobody.
 */
export const markRead: ActionHandler<MarkReadRequest> = async (
  deps,
  caller,
  request,
  reply,
  admitted,
) => {
  const { roomId, seq } = request;
  const { connections } = await joinedAudience(
    deps,
    roomId,
    caller,
    admitted,
    `Join room ${roomId} before you mark it read`,
  );
  const mark = await deps.messages.markRead(roomId, caller.userId, seq);
  const state = readStateFrame(roomId, mark);
  const replied = (async () => reply(state))();
  if (!mark.moved) {
    await replied;
    return;
  }
  const { devices, others } = cursorAudience(connections, caller);
  // As a send: the reply and the posts leave together, and one failing costs the others
  // nothing.
  const [replyResult, ...posted] = await Promise.allSettled([
    replied,
    deliver(deps, roomId, devices, state),
    sendReceipt(deps, roomId, caller.userId, mark.readSeq, {
      roomSize: connections.length,
      others,
    }),
  ]);
  for (const result of posted) if (result.status === 'rejected') throw result.reason;
  if (replyResult.status === 'rejected') throw replyResult.reason ?? new Error('reply failed');
};
