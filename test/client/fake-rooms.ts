/**
 * The fake server's protocol v2 half: rooms, members, moderation, edits and deletes, with
 * the rules of /work/shared/protocol-v2.md that an SDK can observe (who may do what, who
 * hears of it, `removed` ending a connection's join). Users are the sockets' tokens.
 */
import type { Member, Message, Role, Room } from '../../client/types.js';
import type { FakeParley, FakeSocket } from './fake-parley.js';

type Frame = Record<string, unknown>;
type Reply = (body: Record<string, unknown>) => void;

interface FakeRoom {
  room: Room;
  members: Map<string, Member>;
  /** Bumped by every message: `list_rooms` sorts by it, newest activity first. */
  activity: number;
}

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };
const at = (n: number) => new Date(n * 1000).toISOString();

class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class FakeRooms {
  readonly rooms = new Map<string, FakeRoom>();
  private clock = 0;

  constructor(private readonly server: FakeParley) {}

  /** Creates a room as `create_room` would, for tests that set the scene. */
  create(roomId: string, owner: string, fields: Partial<Room> = {}): FakeRoom {
    const entry: FakeRoom = {
      room: {
        roomId,
        visibility: 'public',
        kind: 'room',
        encrypted: false,
        createdBy: owner,
        createdAt: at(++this.clock),
        lastSeq: 0,
        slowModeSec: 0,
        ...fields,
      },
      members: new Map(),
      activity: ++this.clock,
    };
    this.rooms.set(roomId, entry);
    this.setMember(entry, owner, 'owner');
    return entry;
  }

  touch(roomId: string): void {
    const entry = this.rooms.get(roomId);
    if (entry) entry.activity = ++this.clock;
  }

  member(roomId: string, userId: string): Member | undefined {
    return this.rooms.get(roomId)?.members.get(userId);
  }

  /** Why `userId` may not join (or send to) a room, if they may not. */
  joinRefusal(roomId: string, userId: string): string | undefined {
    const entry = this.rooms.get(roomId);
    const member = entry?.members.get(userId);
    if (member?.banned) return 'banned';
    if (entry?.room.visibility === 'private' && !member) return 'private';
    return undefined;
  }

  /** A join: a missing room is created public (v1), a joiner of a public room a member. */
  joined(roomId: string, userId: string): void {
    const entry = this.rooms.get(roomId) ?? this.create(roomId, userId);
    if (!entry.members.has(userId)) this.setMember(entry, userId, 'member');
  }

  /** Answers a v2 action; false for an action it does not know. */
  handle(socket: FakeSocket, frame: Frame, reply: Reply): boolean {
    const handler = this.handlers[String(frame.action)];
    if (!handler) return false;
    try {
      handler(socket, frame, reply);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      reply({ type: 'error', code: error.code, message: error.message });
    }
    return true;
  }

  private readonly handlers: Record<string, (s: FakeSocket, f: Frame, r: Reply) => void> = {
    create_room: (socket, frame, reply) => {
      const roomId = String(frame.roomId);
      if (this.rooms.has(roomId)) throw new Refusal('conflict', `${roomId} exists`);
      const fields: Partial<Room> = {};
      if (typeof frame.name === 'string') fields.name = frame.name;
      if (frame.visibility === 'private') fields.visibility = 'private';
      if (frame.encrypted === true) fields.encrypted = true;
      const entry = this.create(roomId, socket.token, fields);
      reply({ type: 'room', room: this.current(entry), role: 'owner' });
    },
    get_room: (socket, frame, reply) => {
      const entry = this.existing(frame.roomId);
      const member = entry.members.get(socket.token);
      if (entry.room.visibility === 'private' && !member) throw new Refusal('forbidden', 'private');
      const limit = typeof frame.limit === 'number' ? frame.limit : 50;
      const after = typeof frame.cursor === 'string' ? frame.cursor : '';
      const all = [...entry.members.values()]
        .filter((m) => m.userId > after)
        .sort((a, b) => (a.userId < b.userId ? -1 : 1));
      const members = all.slice(0, limit);
      reply({
        type: 'room',
        room: this.current(entry),
        ...(member ? { role: member.role } : {}),
        members,
        ...(all.length > limit ? { membersCursor: members.at(-1)?.userId } : {}),
      });
    },
    list_rooms: (socket, frame, reply) => {
      const limit = typeof frame.limit === 'number' ? frame.limit : 50;
      const offset = typeof frame.cursor === 'string' ? Number(frame.cursor) : 0;
      const mine = [...this.rooms.values()]
        .filter((e) => {
          const member = e.members.get(socket.token);
          return member !== undefined && !member.banned;
        })
        .sort((a, b) => b.activity - a.activity);
      const page = mine.slice(offset, offset + limit).map((e) => {
        const lastMessage = this.server.messages(e.room.roomId).at(-1);
        return {
          ...this.current(e),
          role: e.members.get(socket.token)?.role,
          ...this.server.live.summaryFields(e.room.roomId, socket.token),
          ...(lastMessage ? { lastMessage } : {}),
        };
      });
      const next = offset + limit < mine.length ? { cursor: String(offset + limit) } : {};
      reply({ type: 'rooms', rooms: page, ...next });
    },
    update_room: (socket, frame, reply) => {
      const entry = this.existing(frame.roomId);
      this.moderator(entry, socket.token);
      const room = entry.room;
      if (typeof frame.name === 'string') room.name = frame.name;
      if (frame.visibility === 'public' || frame.visibility === 'private') {
        room.visibility = frame.visibility;
      }
      if (typeof frame.slowModeSec === 'number') room.slowModeSec = frame.slowModeSec;
      if (typeof frame.retentionDays === 'number') room.retentionDays = frame.retentionDays;
      if (frame.retentionDays === null) delete room.retentionDays;
      reply({
        type: 'room',
        room: this.current(entry),
        role: entry.members.get(socket.token)?.role,
      });
    },
    add_member: (socket, frame, reply) => {
      const entry = this.existing(frame.roomId);
      const actor = this.moderator(entry, socket.token);
      const role: Role = frame.role === 'admin' ? 'admin' : 'member';
      if (role === 'admin' && actor.role !== 'owner') {
        throw new Refusal('forbidden', 'admins add members only');
      }
      const userId = String(frame.userId);
      const member = entry.members.get(userId) ?? this.setMember(entry, userId, role);
      reply({ type: 'member', member });
      this.announce(entry, socket, { userId, role: member.role, change: 'added' });
    },
    remove_member: (socket, frame, reply) => {
      const entry = this.existing(frame.roomId);
      const userId = String(frame.userId);
      const self = userId === socket.token;
      const target = this.target(entry, socket.token, userId, self);
      entry.members.delete(userId);
      reply({ type: 'member', member: { ...target, removed: true } });
      this.endJoins(entry.room.roomId, userId, self ? 'left' : 'removed', socket);
      this.announce(entry, socket, { userId, change: 'removed' });
    },
    set_role: (socket, frame, reply) => {
      const entry = this.existing(frame.roomId);
      const actor = entry.members.get(socket.token);
      if (actor?.role !== 'owner') throw new Refusal('forbidden', 'owner only');
      const target = this.existingMember(entry, String(frame.userId));
      const role = frame.role as Role;
      const owners = [...entry.members.values()].filter((m) => m.role === 'owner').length;
      if (target.role === 'owner' && role !== 'owner' && owners === 1) {
        throw new Refusal('conflict', 'a room keeps an owner');
      }
      target.role = role;
      reply({ type: 'member', member: target });
      this.announce(entry, socket, { userId: target.userId, role, change: 'role' });
    },
    ban: (socket, frame, reply) => {
      const entry = this.existing(frame.roomId);
      const userId = String(frame.userId);
      // A ban may come before the user ever joined: it then makes their (banned) row.
      const known = entry.members.get(userId);
      if (known) this.target(entry, socket.token, userId, false);
      else this.moderator(entry, socket.token);
      const target = known ?? this.setMember(entry, userId, 'member');
      target.banned = true;
      if (typeof frame.reason === 'string') target.banReason = frame.reason;
      if (typeof frame.durationSec === 'number') {
        target.bannedUntil = at(this.clock + frame.durationSec);
      }
      reply({ type: 'member', member: target });
      this.endJoins(entry.room.roomId, userId, 'banned');
      this.announce(entry, socket, { userId, change: 'banned' });
    },
    unban: (socket, frame, reply) => {
      const entry = this.existing(frame.roomId);
      const target = this.target(entry, socket.token, String(frame.userId), false);
      delete target.banned;
      delete target.bannedUntil;
      delete target.banReason;
      reply({ type: 'member', member: target });
      this.announce(entry, socket, { userId: target.userId, change: 'unbanned' });
    },
    mute: (socket, frame, reply) => {
      const entry = this.existing(frame.roomId);
      const target = this.target(entry, socket.token, String(frame.userId), false);
      target.muted = true;
      if (typeof frame.durationSec === 'number') {
        target.mutedUntil = at(this.clock + frame.durationSec);
      }
      reply({ type: 'member', member: target });
      this.announce(entry, socket, { userId: target.userId, change: 'muted' });
    },
    unmute: (socket, frame, reply) => {
      const entry = this.existing(frame.roomId);
      const target = this.target(entry, socket.token, String(frame.userId), false);
      delete target.muted;
      delete target.mutedUntil;
      reply({ type: 'member', member: target });
      this.announce(entry, socket, { userId: target.userId, change: 'unmuted' });
    },
    open_dm: (socket, frame, reply) => {
      const users = [socket.token, String(frame.userId)].sort();
      const roomId = `dm-${users.join('-')}`;
      let entry = this.rooms.get(roomId);
      if (!entry) {
        entry = this.create(roomId, socket.token, { visibility: 'private', kind: 'dm' });
        for (const userId of users) this.setMember(entry, userId, 'member');
      }
      reply({ type: 'room', room: this.current(entry), role: 'member' });
    },
    edit_message: (socket, frame, reply) => {
      const message = this.changing(socket, frame);
      if (message.deleted) throw new Refusal('bad_request', 'a deleted message cannot be edited');
      const content = String(frame.content);
      if (message.content === content) return reply({ type: 'ack', message });
      message.content = content;
      message.editedAt = at(++this.clock);
      reply({ type: 'ack', message });
      this.server.tellRoom(message.roomId, { type: 'message_updated', message }, socket);
    },
    delete_message: (socket, frame, reply) => {
      const message = this.changing(socket, frame);
      if (message.deleted) return reply({ type: 'ack', message });
      message.content = '';
      message.deleted = true;
      reply({ type: 'ack', message });
      const { roomId, seq } = message;
      this.server.tellRoom(roomId, { type: 'message_deleted', roomId, seq }, socket);
    },
  };

  private setMember(entry: FakeRoom, userId: string, role: Role): Member {
    const member: Member = {
      roomId: entry.room.roomId,
      userId,
      role,
      joinedAt: at(++this.clock),
    };
    entry.members.set(userId, member);
    return member;
  }

  private current(entry: FakeRoom): Room {
    return { ...entry.room, lastSeq: this.server.messages(entry.room.roomId).length };
  }

  private existing(roomId: unknown): FakeRoom {
    const entry = this.rooms.get(String(roomId));
    if (!entry) throw new Refusal('not_found', `no room ${String(roomId)}`);
    return entry;
  }

  private existingMember(entry: FakeRoom, userId: string): Member {
    const member = entry.members.get(userId);
    if (!member) throw new Refusal('not_found', `${userId} is not a member`);
    return member;
  }

  /** The actor's member row when they are the room's owner or admin. */
  private moderator(entry: FakeRoom, userId: string): Member {
    const actor = entry.members.get(userId);
    if (!actor || actor.banned || RANK[actor.role] < RANK.admin) {
      throw new Refusal('forbidden', 'owner or admin only');
    }
    return actor;
  }

  /** The target of a moderation: yourself (`self`), or a lower role than the moderator's. */
  private target(entry: FakeRoom, actorId: string, userId: string, self: boolean): Member {
    const target = this.existingMember(entry, userId);
    if (self) return target;
    const actor = this.moderator(entry, actorId);
    if (RANK[target.role] >= RANK[actor.role]) {
      throw new Refusal('forbidden', 'only over lower roles');
    }
    return target;
  }

  /** The stored message an edit or delete names, when the caller may change it. */
  private changing(socket: FakeSocket, frame: Frame): Message {
    const roomId = String(frame.roomId);
    if (!socket.joined.has(roomId)) throw new Refusal('forbidden', 'join first');
    const message = this.server.messages(roomId).find((m) => m.seq === frame.seq);
    if (!message) throw new Refusal('not_found', `no message ${String(frame.seq)}`);
    const role = this.member(roomId, socket.token)?.role ?? 'member';
    if (message.userId !== socket.token && RANK[role] < RANK.admin) {
      throw new Refusal('forbidden', 'not your message');
    }
    return message;
  }

  /** Each of the user's connections in the room but `except` hears `removed` and leaves it. */
  private endJoins(roomId: string, userId: string, reason: string, except?: FakeSocket): void {
    for (const socket of this.server.sockets) {
      if (socket === except || socket.token !== userId || !socket.joined.has(roomId)) continue;
      socket.joined.delete(roomId);
      if (socket.readyState === 1) socket.receive({ type: 'removed', roomId, reason });
    }
  }

  private announce(entry: FakeRoom, actor: FakeSocket, update: Record<string, unknown>): void {
    const roomId = entry.room.roomId;
    this.server.tellRoom(roomId, { type: 'member_update', roomId, ...update }, actor);
  }
}
