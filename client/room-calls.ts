/**
 * The calls of protocol v2's "Rooms and membership" and of message edits and deletes:
 * one request, one reply frame, its payload returned. How a request reaches the server
 * (waiting for the connection, or for a joined room's rejoin; asking again after a drop)
 * is the client's (`call`, in client.ts); this file only says which frame goes out, which
 * reply comes back and whether asking twice is safe.
 */
import { ParleyError } from './errors.js';
import type {
  BanOptions,
  ClientFrame,
  CreateRoomOptions,
  Member,
  Message,
  PageOptions,
  Role,
  Room,
  RoomChanges,
  RoomDetails,
  RoomSummary,
  RoomsPage,
  ServerFrame,
} from './types.js';

export interface RoomApi {
  /** Creates a room with you as its `owner`; `conflict` if the id is taken. */
  createRoom(roomId: string, options?: CreateRoomOptions): Promise<Room>;
  /** A room's settings, your role and a page of its members (private rooms: members only). */
  getRoom(roomId: string, options?: PageOptions): Promise<RoomDetails>;
  /** A page of your rooms, newest activity first. */
  listRooms(options?: PageOptions): Promise<RoomsPage>;
  /** Owner or admin: changes the fields given. */
  updateRoom(roomId: string, changes: RoomChanges): Promise<Room>;
  /** Owner or admin (admins add members only). */
  addMember(
    roomId: string,
    userId: string,
    options?: { role?: 'admin' | 'member' },
  ): Promise<Member>;
  /** Owner or admin, or yourself: leaves the room for good. */
  removeMember(roomId: string, userId: string): Promise<Member>;
  /** Owner only; a room always keeps an owner. */
  setRole(roomId: string, userId: string, role: Role): Promise<Member>;
  /** Owner or admin, over lower roles; without `durationSec` until `unban`. */
  ban(roomId: string, userId: string, options?: BanOptions): Promise<Member>;
  unban(roomId: string, userId: string): Promise<Member>;
  /** A muted member reads but cannot send; without `durationSec` until `unmute`. */
  mute(roomId: string, userId: string, options?: { durationSec?: number }): Promise<Member>;
  unmute(roomId: string, userId: string): Promise<Member>;
  /** The private `dm` room of you and `userId`: the same room every time. */
  openDm(userId: string): Promise<Room>;
  /** Your own message only; resolves with the edited message. */
  editMessage(roomId: string, seq: number, content: string): Promise<Message>;
  /**
   * Your own message, or any as owner or admin; resolves with the tombstone
   * (`deleted: true`, empty content).
   */
  deleteMessage(roomId: string, seq: number): Promise<Message>;
}

/**
 * Whether a request may be sent again when a drop cut it off. Reading is harmless to
 * repeat, and so are `open_dm` (the same room every time), an edit and a delete (the
 * server acks the same edit, or the delete of a tombstone, again). The others are not: a
 * repeated `create_room` that got through the first time answers `conflict`, a repeated
 * `remove_member` of yourself `forbidden`; they reject with `disconnected`, and `getRoom`
 * tells the app where things stand.
 */
export type Repeat = 'repeat' | 'once';

export abstract class RoomCalls implements RoomApi {
  /** Sends `frame` once the connection (and a joined room) is ready; resolves with its reply. */
  protected abstract call(frame: ClientFrame, repeat: Repeat): Promise<ServerFrame>;
  /** An edit of ours was stored: the app hears of it as of anyone's. */
  protected abstract onEdited(message: Message): void;
  /** A delete of ours was stored: likewise. */
  protected abstract onDeleted(roomId: string, seq: number): void;
  /** A members page arrived: their `readSeq` are read receipts ("seen by"). */
  protected abstract onMembers(roomId: string, members: readonly Member[]): void;
  /** A page of your rooms arrived: their read state is the newest the client has. */
  protected abstract onRooms(rooms: readonly RoomSummary[]): void;

  async createRoom(roomId: string, options: CreateRoomOptions = {}): Promise<Room> {
    const reply = await this.call({ ...options, action: 'create_room', roomId }, 'once');
    return expectReply(reply, 'room').room;
  }

  async getRoom(roomId: string, options: PageOptions = {}): Promise<RoomDetails> {
    const reply = expectReply(
      await this.call({ ...options, action: 'get_room', roomId }, 'repeat'),
      'room',
    );
    const members = reply.members ?? [];
    this.onMembers(roomId, members);
    return {
      room: reply.room,
      ...(reply.role === undefined ? {} : { role: reply.role }),
      members,
      ...(reply.membersCursor === undefined ? {} : { membersCursor: reply.membersCursor }),
    };
  }

  async listRooms(options: PageOptions = {}): Promise<RoomsPage> {
    const reply = expectReply(
      await this.call({ ...options, action: 'list_rooms' }, 'repeat'),
      'rooms',
    );
    this.onRooms(reply.rooms);
    return { rooms: reply.rooms, ...(reply.cursor === undefined ? {} : { cursor: reply.cursor }) };
  }

  async updateRoom(roomId: string, changes: RoomChanges): Promise<Room> {
    const reply = await this.call({ ...changes, action: 'update_room', roomId }, 'once');
    return expectReply(reply, 'room').room;
  }

  addMember(
    roomId: string,
    userId: string,
    options: { role?: 'admin' | 'member' } = {},
  ): Promise<Member> {
    return this.memberCall({ ...options, action: 'add_member', roomId, userId });
  }

  removeMember(roomId: string, userId: string): Promise<Member> {
    return this.memberCall({ action: 'remove_member', roomId, userId });
  }

  setRole(roomId: string, userId: string, role: Role): Promise<Member> {
    return this.memberCall({ action: 'set_role', roomId, userId, role });
  }

  ban(roomId: string, userId: string, options: BanOptions = {}): Promise<Member> {
    return this.memberCall({ ...options, action: 'ban', roomId, userId });
  }

  unban(roomId: string, userId: string): Promise<Member> {
    return this.memberCall({ action: 'unban', roomId, userId });
  }

  mute(roomId: string, userId: string, options: { durationSec?: number } = {}): Promise<Member> {
    return this.memberCall({ ...options, action: 'mute', roomId, userId });
  }

  unmute(roomId: string, userId: string): Promise<Member> {
    return this.memberCall({ action: 'unmute', roomId, userId });
  }

  async openDm(userId: string): Promise<Room> {
    return expectReply(await this.call({ action: 'open_dm', userId }, 'repeat'), 'room').room;
  }

  async editMessage(roomId: string, seq: number, content: string): Promise<Message> {
    const reply = await this.call({ action: 'edit_message', roomId, seq, content }, 'repeat');
    const { message } = expectReply(reply, 'ack');
    this.onEdited(message);
    return message;
  }

  async deleteMessage(roomId: string, seq: number): Promise<Message> {
    const reply = await this.call({ action: 'delete_message', roomId, seq }, 'repeat');
    const { message } = expectReply(reply, 'ack');
    this.onDeleted(roomId, seq);
    return message;
  }

  private async memberCall(frame: ClientFrame): Promise<Member> {
    return expectReply(await this.call(frame, 'once'), 'member').member;
  }
}

/** The reply as the frame type the request asked for; anything else is the server's bug. */
export function expectReply<T extends ServerFrame['type']>(
  reply: ServerFrame,
  type: T,
): Extract<ServerFrame, { type: T }> {
  if (reply.type !== type) {
    throw new ParleyError('internal', `Unexpected reply: ${reply.type} (expected ${type})`);
  }
  return reply as Extract<ServerFrame, { type: T }>;
}
