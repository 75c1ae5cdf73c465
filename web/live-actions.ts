/**
 * The page's one wiring point for the live calls of issue 16 that the SDK does not have
 * yet: reactions, the read cursor, typing, and who has seen a message. Phase 1 of the page
 * calls these and renders what they give; until the SDK has `react`, `markRead`, `typing`,
 * `typingUsers` and `seenBy`, they do nothing, and `enabled` is false so the page hides
 * the controls whose action would do nothing (the React entry, the reaction buttons).
 * Phase 2 replaces the bodies with the SDK's calls and sets `enabled`.
 */
import type { ParleyClient } from '../client/index.js';
import type { ReactionEvent, ReadStateEvent } from '../client/types.js';

/** What the page does when the live events come in; app.ts passes it to `subscribe`. */
export interface LiveHandlers {
  /** `typingUsers(roomId)` may have changed (the SDK's `typing_users`). */
  typing(roomId: string): void;
  /** `seenBy(roomId, …)` may have changed (the SDK's `read`). */
  seen(roomId: string): void;
  /** Your cursor moved, maybe on another device (the SDK's `read_state`). */
  readState(event: ReadStateEvent): void;
  /** A reaction was added or taken back (the SDK's `reaction`). */
  reaction(event: ReactionEvent): void;
}

export const LiveActions = {
  /** False while these are stand-ins: the page hides React and keeps reactions read-only. */
  enabled: false,

  /** Adds (`on`) or takes back your `emoji` on message `seq`; phase 2: `client.react`. */
  react(
    _client: ParleyClient,
    _roomId: string,
    _seq: number,
    _emoji: string,
    _on: boolean,
  ): Promise<void> {
    return Promise.resolve();
  },

  /** The room is on screen, scrolled to its newest message `seq`; phase 2: `client.markRead`. */
  markRead(_client: ParleyClient, _roomId: string, _seq: number): Promise<void> {
    return Promise.resolve();
  },

  /** The composer changed; phase 2: `client.typing` (and `stopTyping` on send). */
  typing(_client: ParleyClient, _roomId: string): void {},

  /** Who else is typing in the room now; phase 2: `client.typingUsers`. */
  typingUsers(_client: ParleyClient, _roomId: string): string[] {
    return [];
  },

  /** Subscribes `handlers` to the client's live events; returns the unsubscribe. */
  subscribe(_client: ParleyClient, _handlers: LiveHandlers): () => void {
    return () => {};
  },

  /** Who else has read up to `seq`; phase 2: `client.seenBy`. */
  seenBy(_client: ParleyClient, _roomId: string, _seq: number): string[] {
    return [];
  },
};
