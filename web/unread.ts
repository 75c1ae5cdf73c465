/**
 * Unread counts as the page keeps them between the server's answers: a room's count from
 * `listRooms` (or the join, or the SDK's `read_state`), raised by each new message from
 * someone else, cleared when the room is read. Seq-based as on the server (`lastSeq -
 * readSeq`), so a count the SDK reports and one the page works out agree, whichever
 * arrives first. The page remembers how far it read itself, so a room read here is not
 * counted again by a list the server answered before the read reached it.
 */

export interface UnreadState {
  lastSeq: number;
  readSeq: number;
  unread: number;
  unreadMentions: number;
}

/**
 * The state after a new message `seq`; `mentionsMe`: it names the reader. The caller
 * passes each message once: the SDK's `read_state` for a message reaches the page before
 * the message does, so `seq` may already be within `lastSeq` and its unread counted; its
 * mention is not, since `read_state` carries no mention count.
 */
export function afterMessage(
  state: UnreadState,
  seq: number,
  fromOther: boolean,
  mentionsMe: boolean,
): UnreadState {
  if (!fromOther) {
    if (seq <= state.lastSeq) return state; // an older one of yours: what was read stays read
    return { lastSeq: seq, readSeq: seq, unread: 0, unreadMentions: 0 };
  }
  const lastSeq = Math.max(state.lastSeq, seq);
  return {
    lastSeq,
    readSeq: state.readSeq,
    unread: Math.max(0, lastSeq - state.readSeq),
    unreadMentions: state.unreadMentions + (mentionsMe && seq > state.readSeq ? 1 : 0),
  };
}

/** The state once the reader has seen everything up to `seq`. */
export function afterRead(state: UnreadState, seq: number): UnreadState {
  const readSeq = Math.max(state.readSeq, seq);
  const unread = Math.max(0, state.lastSeq - readSeq);
  return { ...state, readSeq, unread, unreadMentions: unread === 0 ? 0 : state.unreadMentions };
}

/** The tab's title with the total unread in front: `(3) # general · Parley`. */
export function withUnread(title: string, total: number): string {
  return total > 0 ? `(${total}) ${title}` : title;
}
