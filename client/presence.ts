/**
 * Presence with status (protocol v2): your status, a room's presence list, and the pings
 * that keep a quiet connection counted as present. The server counts a connection that
 * sent nothing for its presence TTL (default 300 s) as gone, because `$disconnect` is best
 * effort on AWS; the client pings after `idlePingMs` of sending nothing.
 */

import { ReactionCalls } from './reactions.js';
import { expectReply } from './room-calls.js';
import type { ClientFrame, PresenceEntry, PresenceStatus } from './types.js';

export interface PresenceApi {
  /**
   * Sets your status for every room you are in (each hears `presence`); `text` is a short
   * note ("in a meeting"), cleared when left out.
   *
   * @example
   * ```ts
   * await client.setStatus('dnd', 'focus time');
   * ```
   */
  setStatus(status: Exclude<PresenceStatus, 'offline'>, text?: string): Promise<void>;
  /**
   * Who is in a room and how: `{ userId, status, text?, lastSeen? }` each.
   *
   * @example
   * ```ts
   * const away = (await client.getPresence('general')).filter((u) => u.status === 'away');
   * ```
   */
  getPresence(roomId: string): Promise<PresenceEntry[]>;
  /** Tells the server the connection is alive; the client does it by itself when idle. */
  ping(): Promise<void>;
}

export abstract class PresenceCalls extends ReactionCalls implements PresenceApi {
  async setStatus(status: Exclude<PresenceStatus, 'offline'>, text?: string): Promise<void> {
    const frame: ClientFrame = {
      action: 'set_status',
      status,
      ...(text === undefined ? {} : { text }),
    };
    // The same status twice is the same status.
    expectReply(await this.call(frame, 'repeat'), 'status');
  }

  async getPresence(roomId: string): Promise<PresenceEntry[]> {
    const reply = await this.call({ action: 'get_presence', roomId }, 'repeat');
    return expectReply(reply, 'presence_list').users;
  }

  async ping(): Promise<void> {
    expectReply(await this.call({ action: 'ping' }, 'once'), 'pong');
  }
}

/** Runs `ping` once nothing was sent for `idleMs`; every frame sent starts it over. */
export class IdlePing {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly idleMs: number,
    private readonly ping: () => void,
  ) {}

  /** A frame went out (or the connection opened): the idle time starts now. */
  sent(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ping();
    }, this.idleMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
