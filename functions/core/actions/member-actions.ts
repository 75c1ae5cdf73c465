/**
 * The membership and moderation actions of protocol v2: `add_member`, `remove_member`,
 * `set_role`, `ban`/`unban`, `mute`/`unmute`. The store checks the rule and writes the
 * change with its audit record in one transaction; then the change takes effect on live
 * connections (a removed or banned user's are taken out of the room at once) and the room
 * hears `member_update`.
 */
import type { MemberAction, MemberChange } from '../governance.js';
import type { Caller, RoomConnection } from '../message.js';
import type { ChatDeps } from '../ports.js';
import { removeFromRoom, tellRoom } from '../removal.js';
import type {
  AddMemberRequest,
  BanRequest,
  MemberTargetRequest,
  MuteRequest,
  SetRoleRequest,
} from '../room-frames.js';
import type { MemberUpdateChange } from '../server-frames.js';
import type { ActionHandler, Reply } from './types.js';

const UPDATE_OF: Record<MemberAction, MemberUpdateChange> = {
  add: 'added',
  remove: 'removed',
  set_role: 'role',
  ban: 'banned',
  unban: 'unbanned',
  mute: 'muted',
  unmute: 'unmuted',
};

/** An ISO time `seconds` from now, for a ban or mute that ends. */
function untilFrom(seconds: number | undefined, now: number): string | undefined {
  return seconds === undefined ? undefined : new Date(now + seconds * 1000).toISOString();
}

async function applyChange(
  deps: ChatDeps,
  caller: Caller,
  change: MemberChange,
  reply: Reply,
): Promise<void> {
  const { member, changed } = await deps.rooms.changeMember(change);
  const { roomId, userId } = change;
  // The user is out of the room before the actor hears it is done: whatever the actor (or
  // anyone) sends next cannot reach them.
  let remaining: RoomConnection[] | undefined;
  if (changed && (change.action === 'remove' || change.action === 'ban')) {
    const reason =
      change.action === 'ban' ? 'banned' : userId === caller.userId ? 'left' : 'removed';
    remaining = await removeFromRoom(deps, roomId, userId, reason);
  }
  await reply({ type: 'member', member });
  if (!changed) return;
  await tellRoom(
    deps,
    roomId,
    {
      type: 'member_update',
      roomId,
      userId,
      ...(change.action === 'set_role' || change.action === 'add' ? { role: member.role } : {}),
      change: UPDATE_OF[change.action],
    },
    caller.connectionId,
    remaining,
  );
}

export const addMember: ActionHandler<AddMemberRequest> = (deps, caller, request, reply) =>
  applyChange(
    deps,
    caller,
    {
      action: 'add',
      roomId: request.roomId,
      actorId: caller.userId,
      userId: request.userId,
      ...(request.role ? { role: request.role } : {}),
    },
    reply,
  );

export const removeMember: ActionHandler<MemberTargetRequest> = (deps, caller, request, reply) =>
  applyChange(deps, caller, target('remove', caller, request), reply);

export const setRole: ActionHandler<SetRoleRequest> = (deps, caller, request, reply) =>
  applyChange(deps, caller, { ...target('set_role', caller, request), role: request.role }, reply);

export const ban: ActionHandler<BanRequest> = (deps, caller, request, reply) => {
  const until = untilFrom(request.durationSec, Date.now());
  return applyChange(
    deps,
    caller,
    {
      ...target('ban', caller, request),
      ...(request.reason ? { reason: request.reason } : {}),
      ...(until ? { until } : {}),
    },
    reply,
  );
};

export const unban: ActionHandler<MemberTargetRequest> = (deps, caller, request, reply) =>
  applyChange(deps, caller, target('unban', caller, request), reply);

export const mute: ActionHandler<MuteRequest> = (deps, caller, request, reply) => {
  const until = untilFrom(request.durationSec, Date.now());
  return applyChange(
    deps,
    caller,
    { ...target('mute', caller, request), ...(until ? { until } : {}) },
    reply,
  );
};

export const unmute: ActionHandler<MemberTargetRequest> = (deps, caller, request, reply) =>
  applyChange(deps, caller, target('unmute', caller, request), reply);

function target(action: MemberAction, caller: Caller, request: MemberTargetRequest): MemberChange {
  return { action, roomId: request.roomId, actorId: caller.userId, userId: request.userId };
}
