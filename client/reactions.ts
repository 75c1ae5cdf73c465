/**
 * Reactions and threads (protocol v2, "Messages"). The SDK keeps no messages once it has
 * emitted them (room-stream.ts holds only those it cannot emit yet), so the app keeps the
 * counts: it replaces a message with the one a `message_updated` carries (your own
 * reactions: the server's current counts, `me` included) and applies each `reaction`
 * event (anyone else's) with `applyReaction`.
 */
import { expectReply, RoomCalls } from './room-calls.js';
import type { ClientFrame, HistoryResult, Message, ReactionEvent } from './types.js';

export interface ReactionApi {
  /**
   * Adds (`on`, the default) or takes back your `emoji` on message `seq`; the app hears
   * the message with its new counts as `message_updated`, the room `reaction`. Doing it
   * twice ends as doing it once.
   *
   * @example
   * ```ts
   * await client.react('general', 12, '👍');
   * await client.react('general', 12, '👍', false);
   * ```
   */
  react(roomId: string, seq: number, emoji: string, on?: boolean): Promise<void>;
  /**
   * One page of the replies to message `seq` (messages whose `replyTo` is `seq`),
   * ascending; `after` a reply's seq for the next page. Emits nothing.
   *
   * @example
   * ```ts
   * const { messages, hasMore } = await client.thread('general', 12, { limit: 20 });
   * ```
   */
  thread(
    roomId: string,
    seq: number,
    options?: { after?: number; limit?: number },
  ): Promise<HistoryResult>;
}

export abstract class ReactionCalls extends RoomCalls implements ReactionApi {
  async react(roomId: string, seq: number, emoji: string, on = true): Promise<void> {
    // Setting a reaction on or off is the same however often it is asked.
    const reply = await this.call({ action: 'react', roomId, seq, emoji, on }, 'repeat');
    this.onEdited(expectReply(reply, 'ack').message);
  }

  async thread(
    roomId: string,
    seq: number,
    options: { after?: number; limit?: number } = {},
  ): Promise<HistoryResult> {
    const frame: ClientFrame = { ...options, action: 'get_thread', roomId, seq };
    const reply = expectReply(await this.call(frame, 'repeat'), 'room_history');
    return { roomId: reply.roomId, messages: reply.messages, hasMore: reply.hasMore };
  }
}

/**
 * `message` with one `reaction` event applied: the emoji's count up or down (an emoji at
 * 0 disappears), `me` set when the event is yours (`me`: your user id) from another
 * device. Returns `message` itself when the event is for another message.
 *
 * @example
 * ```ts
 * client.on('reaction', (r) => update(r.roomId, r.seq, (m) => applyReaction(m, r, myId)));
 * ```
 */
export function applyReaction(message: Message, event: ReactionEvent, me?: string): Message {
  if (message.roomId !== event.roomId || message.seq !== event.seq) return message;
  const mine = me !== undefined && event.userId === me;
  const reactions = [...(message.reactions ?? [])];
  const index = reactions.findIndex((r) => r.emoji === event.emoji);
  const current = reactions[index];
  if (event.on) {
    if (current) {
      if (mine && current.me) return message; // already counted
      reactions[index] = { ...current, count: current.count + 1, me: current.me || mine };
    } else reactions.push({ emoji: event.emoji, count: 1, me: mine });
  } else {
    if (!current || (mine && !current.me)) return message;
    const count = current.count - 1;
    if (count <= 0) reactions.splice(index, 1);
    else reactions[index] = { ...current, count, me: current.me && !mine };
  }
  return { ...message, reactions };
}
