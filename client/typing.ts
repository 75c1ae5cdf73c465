/**
 * Typing indicators (protocol v2): what this client tells the room while you type, and
 * who else is typing. Nothing of it is stored anywhere; every state ends by itself.
 *
 * Out: one `start` per composition. Every frame is billed to the sender and to each
 * receiver, so the SDK says only what receivers cannot work out themselves: they keep a
 * typer for `expireMs` (10 s) after the last `start`, so a long composition renews it
 * every `renewMs` (7 s: the rest is margin for latency), and they drop a typer when the
 * typer's message arrives, so a send says no `stop`. `stop` goes out only when nothing
 * else would end it: `stopAfterMs` after the last input, or on `stopTyping`. Input after
 * a `stop` or a send starts a new composition: its `start` goes out at once, or, within
 * 2.5 s of the last `start`, as soon as the server's 2 s relay throttle lets it through.
 * In: a user is typing from their `start` until their `stop`, their next message, or
 * `expireMs` after their last `start` (a `stop` lost with a dropped connection).
 */
import type { TypingEvent } from './types.js';

/**
 * How often a composition renews its `start`: well inside receivers' 10 s expiry, and
 * above the server's 2 s relay throttle. The cost model reads it (cost/assumptions.ts).
 */
export const TYPING_RENEW_MS = 7_000;

export interface TypingOptions {
  /** A composition repeats its `start` at most this often while input goes on. Default 7 000. */
  renewMs?: number;
  /** @deprecated The old name of `renewMs` (once 3 000 by default); `renewMs` wins. */
  throttleMs?: number;
  /** `stop` this long after the last input. Default 5 000. */
  stopAfterMs?: number;
  /** Someone else's `start` counts this long without a new one. Default 10 000. */
  expireMs?: number;
}

export interface TypingApi {
  /**
   * Call on every input event of a room's text field: the room hears `typing start` at
   * once, again every 7 s while input goes on, and `typing stop` 5 s after the last
   * input. A send ends it without a `stop` (your message tells the room you are done).
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

/**
 * The server relays one `start` per user and room every 2 s (`typingThrottleMs`) and drops
 * the rest without a word, so a `start` sooner after the previous one would be lost, and
 * with it the composition's indicator until the renewal 7 s later. The SDK waits this long
 * after a `start` before the next one: the 2 s and a margin for the two frames' latency.
 */
export const TYPING_START_GAP_MS = 2_500;

interface Composition {
  /** While set, input renews nothing (the last `start` is recent enough). */
  cooling: Timer | undefined;
  stop: Timer;
  /** A `start` held back by TYPING_START_GAP_MS, due on this timer. */
  held: Timer | undefined;
  /** Whether this composition's `start` went out (so a `stop` means something). */
  started: boolean;
}

/** Your typing, per room: when to say `start` and `stop`. */
export class OwnTyping {
  private readonly rooms = new Map<string, Composition>();
  /** When each room's last `start` went out (kept across compositions). */
  private readonly lastStart = new Map<string, number>();
  private readonly renewMs: number;
  private readonly stopAfterMs: number;

  constructor(
    private readonly send: (roomId: string, state: TypingEvent['state']) => void,
    options: TypingOptions = {},
  ) {
    this.renewMs = options.renewMs ?? options.throttleMs ?? TYPING_RENEW_MS;
    this.stopAfterMs = options.stopAfterMs ?? 5_000;
  }

  input(roomId: string): void {
    const room = this.rooms.get(roomId);
    const stop = setTimeout(() => this.stop(roomId), this.stopAfterMs);
    if (room) {
      clearTimeout(room.stop);
      room.stop = stop;
      // A renewal is due once the last start has cooled, unless one is already held.
      if (room.cooling === undefined && room.held === undefined) this.startOrHold(roomId, room);
      return;
    }
    const composition: Composition = { cooling: undefined, stop, held: undefined, started: false };
    this.rooms.set(roomId, composition);
    this.startOrHold(roomId, composition);
  }

  /** Says `start` now, or once TYPING_START_GAP_MS has passed since the last one. */
  private startOrHold(roomId: string, composition: Composition): void {
    const last = this.lastStart.get(roomId) ?? Number.NEGATIVE_INFINITY;
    const wait = last + TYPING_START_GAP_MS - Date.now();
    if (wait <= 0) {
      this.start(roomId, composition);
      return;
    }
    composition.held = setTimeout(() => {
      composition.held = undefined;
      if (this.rooms.get(roomId) === composition) this.start(roomId, composition);
    }, wait);
  }

  private start(roomId: string, composition: Composition): void {
    composition.started = true;
    composition.cooling = setTimeout(() => {
      composition.cooling = undefined;
    }, this.renewMs);
    this.lastStart.set(roomId, Date.now());
    this.send(roomId, 'start');
  }

  /** Says `stop` if a `start` was said; nothing otherwise. */
  stop(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    this.forget(roomId);
    if (room.started) this.send(roomId, 'stop');
  }

  /**
   * Ends a room's typing without a word: a send (receivers drop a typer when the message
   * arrives), a room left, the client closed. The next input is a new `start`.
   */
  forget(roomId: string): void {
    const room = this.rooms.get(roomId);
    if (!room) return;
    clearTimeout(room.cooling);
    clearTimeout(room.stop);
    clearTimeout(room.held);
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
