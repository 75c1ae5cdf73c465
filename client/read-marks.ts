/**
 * Paces a client's read marks, one a room per interval. The server sends at most one read
 * receipt per user and room per `RECEIPT_THROTTLE_MS` (1 s) and sends a held-back one
 * never (a Lambda keeps no timer): a mark that followed another within that second moved
 * the cursor but told the room nothing, so "seen by" went missing in a fast chat. So the
 * client waits out the interval and sends the newest seq then; marks made meanwhile join
 * that one (and share its answer). Nothing is lost: the cursor only moves forward.
 */
import { Deferred } from './deferred.js';

interface RoomMarks<T> {
  /** When the last mark of this room left (ms, `now()`'s clock). */
  sentAt: number;
  /** The mark waiting for the interval to pass: the newest seq asked so far. */
  waiting?: { seq: number; answer: Deferred<T>; timer: ReturnType<typeof setTimeout> };
}

export class ReadMarks<T> {
  private readonly rooms = new Map<string, RoomMarks<T>>();

  constructor(
    private readonly intervalMs: number,
    private readonly send: (roomId: string, seq: number) => Promise<T>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sends a mark of `seq` now, or with the room's next one once the interval has passed. */
  mark(roomId: string, seq: number): Promise<T> {
    const room = this.rooms.get(roomId) ?? { sentAt: Number.NEGATIVE_INFINITY };
    this.rooms.set(roomId, room);
    if (room.waiting) {
      room.waiting.seq = Math.max(room.waiting.seq, seq);
      return room.waiting.answer.promise;
    }
    const wait = room.sentAt + this.intervalMs - this.now();
    if (wait <= 0) return this.sendNow(room, roomId, seq);
    const answer = new Deferred<T>();
    const timer = setTimeout(() => {
      const waiting = room.waiting;
      room.waiting = undefined;
      if (!waiting) return;
      this.sendNow(room, roomId, waiting.seq).then(
        (value) => answer.resolve(value),
        (error: unknown) => answer.reject(error),
      );
    }, wait);
    room.waiting = { seq, answer, timer };
    return answer.promise;
  }

  /** Drops every waiting mark, rejecting its callers with `error` (the client closed). */
  clear(error: unknown): void {
    for (const room of this.rooms.values()) {
      if (!room.waiting) continue;
      clearTimeout(room.waiting.timer);
      room.waiting.answer.reject(error);
    }
    this.rooms.clear();
  }

  private sendNow(room: RoomMarks<T>, roomId: string, seq: number): Promise<T> {
    room.sentAt = this.now();
    return this.send(roomId, seq);
  }
}
