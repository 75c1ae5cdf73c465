/**
 * Typing indicators (protocol v2): what this client tells the room while you type, and
 * who else is typing. Nothing of it is stored anywhere; every state ends by itself.
 *
 * Out: the first input sends `start`, and another one at most every `throttleMs` while
 * input goes on (the server expires a `start` after 10 s, so a long burst of typing must
 * renew it); `stopAfterMs` after the last input, on a send, or on `stopTyping`, `stop`.
 * In: a user is typing from their `start` until their `stop`, their next message, or
 * `expireMs` after their last `start` (a `stop` lost with a dropped connection).
 */
import type { TypingEvent } from './types.js';

export interface TypingOptions {
  /** At most one `start` per room this often while input goes on. Default 3 000. */
  throttleMs?: number;
  /** `stop` this long after the last input. Default 5 000. */
  stopAfterMs?: number;
  /** Someone else's `start` counts this long without a new one. Default 10 000. */
  expireMs?: number;
}

export interface TypingApi {
  /**
   * Call on every input event of a room's text field: the room hears `typing start`, at
   * most once per 3 s while input goes on, and `typing stop` 5 s after the last input or
   * as soon as you send.
   *
   * @example
   * ```ts
   * input.addEventListener('input', () => client.typing('general'));
   * ```
   */
  typing(roomId: string): void;
  /** Tells the room at once that you stopped typing (a cleared field, a lost focus). */
  stopTyping(roomId: string): void;
  /**
   * Who else is typing in a joined room now.
   *
   * @example
   * ```ts
   * client.on('typing_users', ({ roomId, users }) => showTyping(roomId, users));
   * ```
   */
  typingUsers(roomId: string): string[];
}

type Timer = ReturnType<typeof setTimeout>;

/** Your typing, per room: when to say `start` and `stop`. */
export class OwnTyping {
  private readonly rooms = new Map<string, { cooling: Timer | undefined; stop: Timer }>();
  private readonly throttleMs: number;
  private readonly stopAfterMs: number;

  constructor(
    private readonly send: (roomId: string, state: TypingEvent['state']) => void,
    options: TypingOptions = {},
  ) {
    this.throttleMs = options.throttleMs ?? 3_000;
    this.stopAfterMs = options.stopAfterMs ?? 5_000;
  }

  input(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (room) clearTimeout(room.stop);
    const stop = setTimeout(() => this.stop(roomId), this.stopAfterMs);
    if (room?.cooling !== undefined) {
      room.stop = stop;
      return;
    }
    const cooling = setTimeout(() => {
      const current = this.rooms.get(roomId);
      if (current) current.cooling = undefined;
    }, this.throttleMs);
    this.rooms.set(roomId, { cooling, stop });
    this.send(roomId, 'start');
  }

  /** Says `stop` if a `start` was said; nothing otherwise. */
  stop(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.forget(roomId);
    this.send(roomId, 'stop');
  }

  /** Ends a room's typing without a word (the room was left, the client closed). */
  forget(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    clearTimeout(room.cooling);
    clearTimeout(room.stop);
    this.rooms.delete(roomId);
  }

  forgetAll(): void {
    for (const roomId of [...this.rooms.keys()]) this.forget(roomId);
  }
}

/** Others' typing, per room; `changed` hears each room whose list changed. */
export class OthersTyping {
  private readonly rooms = new Map<string, Map<string, Timer>>();
  private readonly expireMs: number;

  constructor(
    private readonly changed: (roomId: string, users: string[]) => void,
    options: TypingOptions = {},
  ) {
    this.expireMs = options.expireMs ?? 10_000;
  }

  users(roomId: string): string[] {
    return [...(this.rooms.get(roomId)?.keys() ?? [])];
  }

  onTyping({ roomId, userId, state }: TypingEvent): void {
    if (state === 'stop') {
      this.end(roomId, userId);
      return;
    }
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new Map();
      this.rooms.set(roomId, room);
    }
    const known = room.get(userId);
    clearTimeout(known);
    room.set(
      userId,
      setTimeout(() => this.end(roomId, userId), this.expireMs),
    );
    if (known === undefined) this.changed(roomId, this.users(roomId));
  }

  /** `userId` is not typing in `roomId` (a `stop`, their message, an expiry). */
  end(roomId: string, userId: string): void {
    const room = this.rooms.get(roomId);
    const timer = room?.get(userId);
    if (!room || timer === undefined) return;
    clearTimeout(timer);
    room.delete(userId);
    if (room.size === 0) this.rooms.delete(roomId);
    this.changed(roomId, this.users(roomId));
  }

  /** Forgets a room without telling (it is no longer joined). */
  forget(roomId: string): void {
    for (const timer of this.rooms.get(roomId)?.values() ?? []) clearTimeout(timer);
    this.rooms.delete(roomId);
  }

  forgetAll(): void {
    for (const roomId of [...this.rooms.keys()]) this.forget(roomId);
  }
}
