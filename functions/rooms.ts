/**
 * Routes `create_room`, `get_room`, `list_rooms`, `update_room`, `add_member`,
 * `remove_member`, `set_role`, `ban`, `unban`, `mute`, `unmute` and `open_dm`: one function
 * for the room and membership actions, which are rare beside sends, so they share one warm
 * container instead of a dozen cold ones.
 */
import {
  addMember,
  ban,
  mute,
  removeMember,
  setRole,
  unban,
  unmute,
} from './core/actions/member-actions.js';
import { createRoom, getRoom, listRooms, openDm, updateRoom } from './core/actions/room-actions.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoutes } from './runtime/message-route.js';

export const makeRoomsHandler = messageRoutes({
  create_room: createRoom,
  get_room: getRoom,
  list_rooms: listRooms,
  update_room: updateRoom,
  add_member: addMember,
  remove_member: removeMember,
  set_role: setRole,
  ban,
  unban,
  mute,
  unmute,
  open_dm: openDm,
});

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeRoomsHandler(lambdaWiring());
