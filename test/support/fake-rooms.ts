/**
 * Rooms and members as PostgreSQL keeps them, in memory: the state `FakeMessageStore` and
 * `FakeRoomStore` share, and the room store over it. It follows the RoomStore contract
 * (test/functions/core/ports/room-store.contract.ts), which runs against it and PostgreSQL.
 */

import { createHash } from 'node:crypto';
import { ChatError } from '../../functions/core/errors.js';
import {
  authorizeMemberChange,
  authorizeRoomUpdate,
  DM_PREFIX,
  type MemberChange,
} from '../../functions/core/governance.js';
import type { Message } from '../../functions/core/message.js';
import type { NewRoom, PageQuery, RoomPatch, RoomStore } from '../../functions/core/ports.js';
import { withMine } from '../../functions/core/reactions.js';
import type { Member, Role, Room, RoomSummary } from '../../functions/core/room.js';
import { FakeReactions } from './fake-reactions.js';

export interface FakeMemberRow {
  role: Role;
  joinedAt: number;
  bannedAt?: number;
  bannedUntil?: number;
  banReason?: string;
  mutedAt?: number;
  mutedUntil?: number;
  lastSentAt?: number;
  /** The member's read cursor; absent is 0. */
  readSeq?: number;
}

export interface FakeRoom {
  room: Omit<Room, 'lastSeq'>;
  /** Grows with each room made and message stored: what "newest activity" orders by. */
  activity: number;
  members: Map<string, FakeMemberRow>;
  messages: Message[];
}

export interface AuditEntry {
  roomId: string;
  actorId: string;
  action: string;
  targetId?: string;
}

/** A clock tests can move: bans and mutes end by it. */
export class FakeClock {
  constructor(public now = Date.UTC(2026, 0, 1)) {}
}

const iso = (ms: number) => new Date(ms).toISOString();

export function isBanned(row: FakeMemberRow | undefined, now: number): boolean {
  return row?.bannedAt !== undefined && (row.bannedUntil === undefined || row.bannedUntil > now);
}

export function isMuted(row: FakeMemberRow | undefined, now: number): boolean {
  return row?.mutedAt !== undefined && (row.mutedUntil === undefined || row.mutedUntil > now);
}

export function toMember(roomId: string, userId: string, row: FakeMemberRow, now: number): Member {
  const member: Member = { roomId, userId, role: row.role, joinedAt: iso(row.joinedAt) };
  if (isBanned(row, now)) {
    member.banned = true;
    if (row.bannedUntil !== undefined) member.bannedUntil = iso(row.bannedUntil);
    if (row.banReason !== undefined) member.banReason = row.banReason;
  }
  if (isMuted(row, now)) {
    member.muted = true;
    if (row.mutedUntil !== undefined) member.mutedUntil = iso(row.mutedUntil);
  }
  return member;
}

/** The rooms map both fakes read and write. */
export class FakeRooms {
  readonly map = new Map<string, FakeRoom>();
  readonly audit: AuditEntry[] = [];
  /** Who reacted with what, shared by the message store (writes) and the room store. */
  readonly reactions = new FakeReactions();
  private activityCount = 0;
  constructor(readonly clock = new FakeClock()) {}

  /** The next activity stamp (see FakeRoom.activity). */
  nextActivity(): number {
    return ++this.activityCount;
  }

  /** A new public room, `createdBy` its owner when given. */
  create(roomId: string, room: Partial<FakeRoom['room']> = {}, createdBy?: string): FakeRoom {
    const entry: FakeRoom = {
      room: {
        roomId,
        visibility: 'public',
        kind: 'room',
        encrypted: false,
        createdAt: iso(this.clock.now),
        slowModeSec: 0,
        ...(createdBy !== undefined ? { createdBy } : {}),
        ...room,
      },
      activity: this.nextActivity(),
      members: new Map(),
      messages: [],
    };
    if (createdBy !== undefined) {
      entry.members.set(createdBy, { role: 'owner', joinedAt: this.clock.now });
    }
    this.map.set(roomId, entry);
    return entry;
  }

  toRoom(entry: FakeRoom): Room {
    return { ...entry.room, lastSeq: entry.messages.length };
  }
}

const page = <T>(items: T[], limit: number, key: (item: T) => string) => {
  const slice = items.slice(0, limit);
  const last = slice.at(-1);
  return items.length > limit && last
    ? { items: slice, cursor: Buffer.from(key(last)).toString('base64url') }
    : { items: slice };
};

const after = (cursor: string | undefined): string | undefined =>
  cursor === undefined ? undefined : Buffer.from(cursor, 'base64url').toString();

export class FakeRoomStore implements RoomStore {
  constructor(readonly rooms: FakeRooms) {}

  private get now(): number {
    return this.rooms.clock.now;
  }

  async createRoom(input: NewRoom): Promise<Room> {
    if (input.roomId.startsWith(DM_PREFIX)) {
      throw new ChatError('bad_request', `Room ids starting ${DM_PREFIX} are for direct messages`);
    }
    if (this.rooms.map.has(input.roomId)) {
      throw new ChatError('conflict', `Room ${input.roomId} already exists`);
    }
    const entry = this.rooms.create(
      input.roomId,
      {
        visibility: input.visibility,
        encrypted: input.encrypted,
        ...(input.name !== undefined ? { name: input.name } : {}),
      },
      input.createdBy,
    );
    this.rooms.audit.push({
      roomId: input.roomId,
      actorId: input.createdBy,
      action: 'create_room',
    });
    return this.rooms.toRoom(entry);
  }

  async getRoom(roomId: string): Promise<Room | undefined> {
    const entry = this.rooms.map.get(roomId);
    return entry && this.rooms.toRoom(entry);
  }

  async getMember(roomId: string, userId: string): Promise<Member | undefined> {
    const row = this.rooms.map.get(roomId)?.members.get(userId);
    return row && toMember(roomId, userId, row, this.now);
  }

  async listMembers(
    roomId: string,
    query: PageQuery,
  ): Promise<{ members: Member[]; cursor?: string }> {
    const start = after(query.cursor) ?? '';
    const rows = [...(this.rooms.map.get(roomId)?.members ?? [])]
      .filter(([userId, row]) => userId > start && !isBanned(row, this.now))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([userId, row]) => ({
        ...toMember(roomId, userId, row, this.now),
        readSeq: row.readSeq ?? 0,
      }));
    const { items, cursor } = page(rows, query.limit, (m) => m.userId);
    return cursor === undefined ? { members: items } : { members: items, cursor };
  }

  async listRooms(
    userId: string,
    query: PageQuery,
  ): Promise<{ rooms: RoomSummary[]; cursor?: string }> {
    const key = (entry: FakeRoom) =>
      `${String(entry.activity).padStart(12, '0')}\u0000${entry.room.roomId}`;
    const start = after(query.cursor);
    const mine = [...this.rooms.map.values()]
      .filter((entry) => {
        const row = entry.members.get(userId);
        return row !== undefined && !isBanned(row, this.now);
      })
      .sort((a, b) => (key(a) < key(b) ? 1 : -1))
      .filter((entry) => start === undefined || key(entry) < start);
    const { items, cursor } = page(mine, query.limit, key);
    const rooms = items.map((entry): RoomSummary => {
      const last = entry.messages.at(-1);
      const row = entry.members.get(userId)!;
      const readSeq = row.readSeq ?? 0;
      const lastSeq = entry.messages.length;
      return {
        ...this.rooms.toRoom(entry),
        role: row.role,
        readSeq,
        unread: Math.max(0, lastSeq - readSeq),
        unreadMentions: entry.messages.filter(
          (m) => m.seq > readSeq && !m.deleted && m.mentions?.includes(userId),
        ).length,
        ...(last ? { lastMessage: withMine(last, this.rooms.reactions.mine(last, userId)) } : {}),
      };
    });
    return cursor === undefined ? { rooms } : { rooms, cursor };
  }

  async updateRoom(roomId: string, actorId: string, patch: RoomPatch): Promise<Room> {
    const entry = this.rooms.map.get(roomId);
    if (!entry) throw new ChatError('not_found', `Room ${roomId} does not exist`);
    const room = this.rooms.toRoom(entry);
    authorizeRoomUpdate(room, await this.getMember(roomId, actorId));
    const { retentionDays, ...rest } = patch;
    Object.assign(entry.room, rest);
    if (retentionDays === null) delete entry.room.retentionDays;
    else if (retentionDays !== undefined) entry.room.retentionDays = retentionDays;
    if (Object.keys(patch).length > 0) {
      this.rooms.audit.push({ roomId, actorId, action: 'update_room' });
    }
    return this.rooms.toRoom(entry);
  }

  async changeMember(change: MemberChange): Promise<{ member: Member; changed: boolean }> {
    const { roomId, userId, actorId } = change;
    const entry = this.rooms.map.get(roomId);
    if (!entry) throw new ChatError('not_found', `Room ${roomId} does not exist`);
    const actor = await this.getMember(roomId, actorId);
    const target = await this.getMember(roomId, userId);
    const owners = [...entry.members.values()].filter(
      (row) => row.role === 'owner' && !isBanned(row, this.now),
    ).length;
    const { noop } = authorizeMemberChange(
      { room: this.rooms.toRoom(entry), actor, target, owners },
      change,
    );
    if (noop && target) return { member: target, changed: false };
    const row = entry.members.get(userId);
    switch (change.action) {
      case 'add':
        entry.members.set(userId, { role: change.role ?? 'member', joinedAt: this.now });
        break;
      case 'remove':
        entry.members.delete(userId);
        break;
      case 'set_role':
        row!.role = change.role!;
        break;
      case 'ban':
        entry.members.set(userId, {
          role: 'member',
          joinedAt: row?.joinedAt ?? this.now,
          bannedAt: this.now,
          ...(change.until ? { bannedUntil: Date.parse(change.until) } : {}),
          ...(change.reason ? { banReason: change.reason } : {}),
        });
        break;
      case 'unban':
        delete row!.bannedAt;
        delete row!.bannedUntil;
        delete row!.banReason;
        break;
      case 'mute':
        row!.mutedAt = this.now;
        if (change.until) row!.mutedUntil = Date.parse(change.until);
        else delete row!.mutedUntil;
        break;
      case 'unmute':
        delete row!.mutedAt;
        delete row!.mutedUntil;
        break;
    }
    this.rooms.audit.push({ roomId, actorId, action: change.action, targetId: userId });
    if (change.action === 'remove') return { member: { ...target!, removed: true }, changed: true };
    return { member: (await this.getMember(roomId, userId))!, changed: true };
  }

  async openDm(userId: string, otherId: string): Promise<Room> {
    const pair = [userId, otherId].sort().join('\u0000');
    const roomId = DM_PREFIX + createHash('sha256').update(pair).digest('base64url');
    let entry = this.rooms.map.get(roomId);
    if (!entry) {
      entry = this.rooms.create(roomId, { visibility: 'private', kind: 'dm', createdBy: userId });
      for (const id of new Set([userId, otherId])) {
        entry.members.set(id, { role: 'member', joinedAt: this.now });
      }
    }
    return this.rooms.toRoom(entry);
  }

  /** Test helper: gives a member a role directly, as an owner's set_role would. */
  setRole(roomId: string, userId: string, role: Role): void {
    const row = this.rooms.map.get(roomId)?.members.get(userId);
    if (!row) throw new Error(`${userId} is not a member of ${roomId}`);
    row.role = role;
  }

  /** Test helper: mutes a member until unmuted. */
  mute(roomId: string, userId: string): void {
    const row = this.rooms.map.get(roomId)?.members.get(userId);
    if (!row) throw new Error(`${userId} is not a member of ${roomId}`);
    row.mutedAt = this.now;
  }
}
