/**
 * Read state (protocol v2, "Read state, typing, presence"): your cursor and unread count
 * per room, and the other members' read receipts for "seen by".
 *
 * Unread is seq-based, as on the server: `unread = lastSeq - readSeq`, so a tombstone
 * still counts and a delete changes nothing. The cursor never moves back. What the server
 * says (join reply, `list_rooms`, `read_state`) is taken with what the client saw since:
 * a newer message raises `lastSeq`, one of your own moves `readSeq` to it (the server
 * moves the sender's cursor on every send).
 */
import type { Member, ReadStateEvent } from './types.js';

export interface ReadStateApi {
  /**
   * How many messages of a room you have not read: from the join reply, `listRooms`,
   * `read_state` (yours from any device) and the messages since. 0 for a room the client
   * knows nothing of (or a server that does not track read state).
   *
   * @example
   * ```ts
   * client.on('read_state', ({ roomId, unread }) => setBadge(roomId, unread));
   * await client.join('general');
   * setBadge('general', client.unread('general'));
   * ```
   */
  unread(roomId: string): number;
  /** Your read cursor in a room: every message up to this seq counts as read; 0 if unknown. */
  readSeq(roomId: string): number;
  /**
   * Moves your read cursor to `seq` (default: the newest message the client has emitted
   * for the room); never back. Your other devices hear `read_state`, the room `read`.
   *
   * @example
   * ```ts
   * window.addEventListener('focus', () => void client.markRead('general'));
   * ```
   */
  markRead(roomId: string, seq?: number): Promise<ReadStateEvent>;
  /**
   * Who else has read a joined room's message `seq`: user ids whose receipt is at or past
   * it, from `read` events since the join, `getRoom` members' `readSeq` and the senders
   * of later messages (sending moves your cursor). Never you.
   *
   * @example
   * ```ts
   * const seen = client.seenBy('general', mine.seq); // ['bob', 'carol']
   * ```
   */
  seenBy(roomId: string, seq: number): string[];
}

/** One room's read state as the client knows it. */
export class RoomReadState {
  private read = 0;
  private last = 0;
  /** user id -> the highest seq they are known to have read. */
  private readonly receipts = new Map<string, number>();

  constructor(readonly roomId: string) {}

  get readSeq(): number {
    return this.read;
  }

  get unread(): number {
    return Math.max(0, this.last - this.read);
  }

  get state(): ReadStateEvent {
    return { roomId: this.roomId, readSeq: this.read, unread: this.unread };
  }

  /**
   * What the server said: the cursor, and `lastSeq` when the frame implies it
   * (`readSeq + unread`). A server without read state sends neither: everything up to
   * `lastSeq` then counts as read, so only what arrives later is unread.
   */
  fromServer(readSeq: number | undefined, unread: number | undefined, lastSeq?: number): void {
    const last = readSeq === undefined ? (lastSeq ?? 0) : readSeq + (unread ?? 0);
    this.last = Math.max(this.last, last, lastSeq ?? 0);
    this.read = Math.max(this.read, readSeq ?? last);
  }

  /** A message emitted: the sender has read it; if it is yours, so have you. */
  onMessage(seq: number, senderId: string, own: boolean): void {
    this.last = Math.max(this.last, seq);
    if (own) this.read = Math.max(this.read, seq);
    else this.receipt(senderId, seq);
  }

  receipt(userId: string, seq: number): void {
    if (seq > (this.receipts.get(userId) ?? 0)) this.receipts.set(userId, seq);
  }

  fromMembers(members: readonly Member[]): void {
    for (const member of members) {
      if (member.readSeq !== undefined) this.receipt(member.userId, member.readSeq);
    }
  }

  seenBy(seq: number, me: string | undefined): string[] {
    const users: string[] = [];
    for (const [userId, upTo] of this.receipts) {
      if (upTo >= seq && userId !== me) users.push(userId);
    }
    return users.sort();
  }

  /** Receipts are "since the join": a new join starts them over. */
  forgetReceipts(): void {
    this.receipts.clear();
  }
}

/** Every room's read state, joined or only listed; `changed` hears each real change. */
export class ReadStates {
  private readonly rooms = new Map<string, RoomReadState>();

  constructor(private readonly changed: (state: ReadStateEvent) => void) {}

  get(roomId: string): RoomReadState | undefined {
    return this.rooms.get(roomId);
  }

  /** Runs `change` on a room's state and reports it if the cursor or the count moved. */
  update(roomId: string, change: (state: RoomReadState) => void): RoomReadState {
    let state = this.rooms.get(roomId);
    if (!state) {
      state = new RoomReadState(roomId);
      this.rooms.set(roomId, state);
    }
    const { readSeq, unread } = state;
    change(state);
    if (state.readSeq !== readSeq || state.unread !== unread) this.changed(state.state);
    return state;
  }
}
