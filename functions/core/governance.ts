/**
 * Who may do what to a room and its members: the rules of protocol v2's "Rooms and
 * membership", pure. The room store runs them inside the transaction that makes the change,
 * with the actor's and the target's rows locked, so two admins acting at once cannot both
 * pass a check that only one of them should (the last owner demoting themselves twice).
 */
import { ChatError } from './errors.js';
import { type Member, type Role, type Room, roleRank } from './room.js';

export const MEMBER_ACTIONS = [
  'add',
  'remove',
  'set_role',
  'ban',
  'unban',
  'mute',
  'unmute',
] as const;
export type MemberAction = (typeof MEMBER_ACTIONS)[number];

export interface MemberChange {
  action: MemberAction;
  roomId: string;
  /** Who asks. */
  actorId: string;
  /** Whom it is done to. */
  userId: string;
  /** `add` (default member) and `set_role`. */
  role?: Role;
  /** `ban`. */
  reason?: string;
  /** `ban` and `mute`: when it ends (ISO 8601); absent lasts until lifted. */
  until?: string;
}

/** What the store read, rows locked, before it makes a change. */
export interface MemberChangeState {
  room: Room;
  /** The actor's row; undefined when they are not a member. */
  actor: Member | undefined;
  /** The target's row; undefined when they are not a member (nor banned). */
  target: Member | undefined;
  /** How many owners the room has now. */
  owners: number;
}

const forbidden = (message: string) => new ChatError('forbidden', message);

/** An active member: has a row and is not banned. */
function active(member: Member | undefined): member is Member {
  return member !== undefined && member.banned === undefined;
}

/**
 * Throws the error the caller gets when `change` is not allowed; returns when it is.
 * `noop` true means the change is allowed and changes nothing (the state already holds),
 * so the store writes nothing and records nothing: retries are idempotent. A no-op always
 * has a target row to answer with.
 */
export function authorizeMemberChange(
  state: MemberChangeState,
  change: MemberChange,
): { noop: boolean } {
  const { room, actor, target } = state;
  const self = change.actorId === change.userId;
  if (room.kind === 'dm') {
    throw forbidden('A direct message has exactly its two users; it cannot be administered');
  }
  // Leaving for good is the one change any member may make, and only to themselves.
  if (change.action === 'remove' && self) {
    if (!active(actor)) throw new ChatError('not_found', `You are not a member of ${room.roomId}`);
    if (actor.role === 'owner' && state.owners === 1) {
      throw forbidden('The last owner cannot leave: make another member owner first');
    }
    return { noop: false };
  }
  if (!active(actor) || actor.role === 'member') {
    throw forbidden(`Only an owner or admin of ${room.roomId} may do that`);
  }
  if (self) throw new ChatError('bad_request', 'That cannot be done to yourself');
  const over = (member: Member) => roleRank(actor.role) > roleRank(member.role);
  switch (change.action) {
    case 'add': {
      const role = change.role ?? 'member';
      if (role === 'owner') throw new ChatError('bad_request', 'Make an owner with set_role');
      if (role === 'admin' && actor.role !== 'owner') throw forbidden('Only an owner adds admins');
      if (target?.banned) throw forbidden(`${change.userId} is banned: unban them first`);
      return { noop: target !== undefined };
    }
    case 'set_role': {
      if (actor.role !== 'owner') throw forbidden('Only an owner changes roles');
      if (!active(target)) throw new ChatError('not_found', `${change.userId} is not a member`);
      return { noop: target.role === change.role };
    }
    case 'remove':
    case 'mute':
    case 'unmute': {
      if (!active(target)) throw new ChatError('not_found', `${change.userId} is not a member`);
      if (!over(target)) throw forbidden(`Only a higher role may do that to ${change.userId}`);
      if (change.action === 'unmute') return { noop: target.muted === undefined };
      return { noop: false };
    }
    case 'ban': {
      // A non-member can be banned too: a public room must be able to keep someone out.
      if (target && !target.banned && !over(target)) {
        throw forbidden(`Only a higher role may ban ${change.userId}`);
      }
      return { noop: false };
    }
    case 'unban':
      if (!target) throw new ChatError('not_found', `${change.userId} is not banned here`);
      return { noop: !target.banned };
  }
}

/** Who may change a room's settings: its owners and admins; nobody for a DM. */
export function authorizeRoomUpdate(room: Room, actor: Member | undefined): void {
  if (room.kind === 'dm') throw forbidden('A direct message has no settings to change');
  if (!active(actor) || actor.role === 'member') {
    throw forbidden(`Only an owner or admin of ${room.roomId} may change it`);
  }
}

/** Whether `userId` (with this row, if any) may see the room and its members. */
export function maySeeRoom(room: Room, member: Member | undefined): boolean {
  if (member?.banned) return false;
  return room.visibility === 'public' || member !== undefined;
}

/**
 * The prefix of every DM room's id. The store names a pair's room (a hash of the two user
 * ids, so the same pair always lands in the same room); `create_room` and `join_room`
 * refuse to create a room with this prefix, so nobody can take a pair's room first.
 */
export const DM_PREFIX = 'dm_';
