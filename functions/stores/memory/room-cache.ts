/**
 * An in-process stand-in for the Redis room cache, for the dev server only, so a laptop
 * needs no Redis. Same semantics as `RedisRoomCache` (the contract suite runs against
 * both); it lives in one process, so it only works where every handler shares that process.
 *
 * Bounded as Redis is by its TTLs and eviction: at most `maxRooms` rooms are kept, the least
 * recently used dropped first. Dropping a room is what a Redis eviction of its keys is (and
 * what `flush()` does to every room): its next read is a miss, refilled from the stores, and
 * its epoch is gone, so a fill read before the drop is refused. Without the bound a long
 * dev session (or the fuzzer's made-up roomIds: a read of an unknown room makes its epoch,
 * as in Redis) grew the process for good.
 */
import type { Message, RoomConnection } from '../../core/message.js';
import { supersedes } from '../../core/message-version.js';
import type {
  CachedConnections,
  JoinsSince,
  PresenceChange,
  PresenceView,
  RecentWindow,
  RoomCache,
} from '../../core/ports.js';
import { presenceAfter } from '../../core/presence.js';

interface RoomEntry {
  /** By connection id (its user and format in the value). */
  connections?: Map<string, RoomConnection>;
  /** The room's epoch (see RedisRoomCache): made on a miss, lost with the entry. */
  epoch?: number;
  /** Replaced by every join and fill (see RoomCache.roomConnections). */
  joinStamp: string;
  /** Joins and leaves (null) made while the room was not cached, for the fill. */
  pending: Map<string, RoomConnection | null>;
  recent: Map<number, Message>;
  floor?: number;
  /** The room's first kept seq as the last fill read it (see RecentWindow). */
  firstSeq?: number;
  /** When the scheduled presence count's claim runs out (ms since the epoch). */
  presenceCountUntil?: number;
  /** Per user: until when their next read receipt in the room is held back (Date.now()). */
  receiptsUntil?: Map<string, number>;
}

/** Rooms the stand-in keeps by default: far more than a dev session uses at once. */
export const DEFAULT_MAX_ROOMS = 10_000;

export class MemoryRoomCache implements RoomCache {
  /** In use order, least recently used first (a Map iterates in insertion order). */
  private readonly rooms = new Map<string, RoomEntry>();
  /** Never reset, not even by flush(), so no epoch or join stamp is ever handed out twice. */
  private lastEpoch = 0;
  private lastJoinStamp = 0;

  constructor(
    private readonly window = 100,
    private readonly maxRooms = DEFAULT_MAX_ROOMS,
  ) {
    if (!Number.isInteger(maxRooms) || maxRooms < 1) {
      throw new Error(`MemoryRoomCache: maxRooms must be a whole number >= 1, not ${maxRooms}`);
    }
  }

  /** How many rooms it holds (cached, or with an epoch or pending changes). */
  get size(): number {
    return this.rooms.size;
  }

  /** The room's entry if it has one, marked as the most recently used. */
  private cached(roomId: string): RoomEntry | undefined {
    const entry = this.rooms.get(roomId);
    if (entry) {
      this.rooms.delete(roomId);
      this.rooms.set(roomId, entry);
    }
    return entry;
  }

  private room(roomId: string): RoomEntry {
    let entry = this.cached(roomId);
    if (!entry) {
      entry = { pending: new Map(), recent: new Map(), joinStamp: this.nextJoinStamp() };
      this.rooms.set(roomId, entry);
      for (const oldest of this.rooms.keys()) {
        if (this.rooms.size <= this.maxRooms) break;
        this.rooms.delete(oldest);
      }
    }
    return entry;
  }

  private nextJoinStamp(): string {
    this.lastJoinStamp += 1;
    return String(this.lastJoinStamp);
  }

  /** Drops everything, as FLUSHALL would. */
  flush(): void {
    this.rooms.clear();
  }

  async roomConnections(roomId: string): Promise<CachedConnections> {
    const entry = this.cached(roomId);
    if (entry?.connections) {
      return { connections: toList(entry.connections), joinStamp: entry.joinStamp };
    }
    const room = this.room(roomId);
    room.epoch ??= ++this.lastEpoch;
    return { version: String(room.epoch) };
  }

  async isInRoom(roomId: string, connectionId: string): Promise<boolean | undefined> {
    return this.cached(roomId)?.connections?.has(connectionId);
  }

  async membersOf(
    roomId: string,
    connectionIds: readonly string[],
  ): Promise<Set<string> | undefined> {
    const connections = this.cached(roomId)?.connections;
    if (!connections) return undefined;
    return new Set(connectionIds.filter((id) => connections.has(id)));
  }

  async fillRoomConnections(
    roomId: string,
    connections: readonly RoomConnection[],
    version: string,
  ): Promise<void> {
    const entry = this.room(roomId);
    if (entry.connections || entry.epoch === undefined || String(entry.epoch) !== version) return;
    const filled = new Map(connections.map((c) => [c.connectionId, { ...c }]));
    // What changed while the room was not cached, which the caller's read may have missed.
    for (const [connectionId, joined] of entry.pending) {
      if (joined === null) filled.delete(connectionId);
      else filled.set(connectionId, joined);
    }
    entry.pending.clear();
    entry.connections = filled;
    entry.joinStamp = this.nextJoinStamp();
  }

  async addRoomConnection(
    roomId: string,
    connection: RoomConnection,
    view: PresenceView,
  ): Promise<PresenceChange | undefined> {
    const entry = this.room(roomId);
    if (!entry.connections) {
      entry.pending.set(connection.connectionId, { ...connection });
      return undefined;
    }
    if (!entry.connections.has(connection.connectionId)) entry.joinStamp = this.nextJoinStamp();
    entry.connections.set(connection.connectionId, { ...connection });
    return presenceAfter(toList(entry.connections), connection, view);
  }

  async removeRoomConnection(
    roomId: string,
    connectionId: string,
    view: PresenceView,
  ): Promise<PresenceChange | undefined> {
    const entry = this.room(roomId);
    if (!entry.connections) {
      entry.pending.set(connectionId, null);
      return undefined;
    }
    const user = entry.connections.get(connectionId)?.userId;
    entry.connections.delete(connectionId);
    return presenceAfter(toList(entry.connections), { connectionId, userId: user }, view);
  }

  async claimPresenceCount(roomId: string, seconds: number): Promise<boolean> {
    const entry = this.room(roomId);
    const now = Date.now();
    if (entry.presenceCountUntil !== undefined && entry.presenceCountUntil > now) return false;
    entry.presenceCountUntil = now + seconds * 1000;
    return true;
  }

  async claimReadReceipt(roomId: string, userId: string, ms: number): Promise<boolean> {
    const entry = this.room(roomId);
    const now = Date.now();
    entry.receiptsUntil ??= new Map();
    const until = entry.receiptsUntil.get(userId);
    if (until !== undefined && until > now) return false;
    entry.receiptsUntil.set(userId, now + ms);
    return true;
  }

  async recentMessages(roomId: string): Promise<RecentWindow | undefined> {
    const entry = this.cached(roomId);
    // As in Redis, an empty window is a miss: only rooms with messages are cached.
    if (entry?.floor === undefined || entry.recent.size === 0) return undefined;
    const floor = entry.floor;
    const messages = [...entry.recent.values()]
      .filter((m) => m.seq >= floor)
      .sort((a, b) => a.seq - b.seq);
    const firstSeq = entry.firstSeq ?? 1;
    // Absent means 1 (ports.ts): windows of rooms that never purged look as before.
    return firstSeq > 1 ? { floor, firstSeq, messages } : { floor, messages };
  }

  async fillRecentMessages(roomId: string, window: RecentWindow): Promise<void> {
    const entry = this.room(roomId);
    for (const m of window.messages) put(entry, m);
    entry.floor = window.floor;
    entry.firstSeq = window.firstSeq ?? 1;
    this.trim(entry);
  }

  async appendRecentMessage(
    roomId: string,
    message: Message,
    joinStamp?: string,
  ): Promise<JoinsSince> {
    const entry = this.room(roomId);
    put(entry, message);
    this.trim(entry);
    if (!entry.connections) return { kind: 'unknown' };
    if (joinStamp !== undefined && joinStamp === entry.joinStamp) return { kind: 'none' };
    return { kind: 'joined', connections: toList(entry.connections) };
  }

  /** As REPLACE_RECENT in Redis: the floor moves only when this trims. */
  async replaceRecentMessage(roomId: string, message: Message): Promise<void> {
    const entry = this.room(roomId);
    if (entry.floor !== undefined && message.seq < entry.floor) return;
    put(entry, message);
    if (entry.recent.size > this.window) this.trim(entry);
  }

  async forgetRecentMessages(roomId: string): Promise<void> {
    const entry = this.rooms.get(roomId);
    if (!entry) return;
    entry.recent.clear();
    entry.floor = undefined;
    entry.firstSeq = undefined;
  }

  private trim(entry: RoomEntry): void {
    const seqs = [...entry.recent.keys()].sort((a, b) => a - b);
    for (const seq of seqs.slice(0, Math.max(0, seqs.length - this.window))) {
      entry.recent.delete(seq);
    }
    const lowest = seqs[Math.max(0, seqs.length - this.window)];
    if (entry.floor !== undefined && lowest !== undefined && lowest > entry.floor) {
      entry.floor = lowest;
    }
  }
}

/** Stores a message at its seq unless the entry there is a later state of it. */
function put(entry: RoomEntry, message: Message): void {
  const current = entry.recent.get(message.seq);
  if (current && supersedes(current, message)) return;
  entry.recent.set(message.seq, message);
}

function toList(connections: Map<string, RoomConnection>): RoomConnection[] {
  return [...connections.values()].map((c) => ({ ...c }));
}
