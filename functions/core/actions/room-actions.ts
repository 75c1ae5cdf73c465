/**
 * The room actions of protocol v2 that answer with a room or a list of them:
 * `create_room`, `get_room`, `list_rooms`, `update_room` and `open_dm`.
 */
import { ChatError } from '../errors.js';
import { linkMessage } from '../files.js';
import { DM_PREFIX, maySeeRoom } from '../governance.js';
import { fittedPage } from '../page-shrink.js';
import {
  type CreateRoomRequest,
  type GetRoomRequest,
  type ListRoomsRequest,
  type OpenDmRequest,
  PAGE_DEFAULT_LIMIT,
  type UpdateRoomRequest,
} from '../room-frames.js';
import type { RoomFrame, RoomsFrame } from '../server-frames.js';
import type { ActionHandler } from './types.js';

export const createRoom: ActionHandler<CreateRoomRequest> = async (
  deps,
  caller,
  request,
  reply,
) => {
  if (request.roomId.startsWith(DM_PREFIX)) {
    throw new ChatError('bad_request', `Room ids starting ${DM_PREFIX} are for direct messages`);
  }
  const room = await deps.rooms.createRoom({
    roomId: request.roomId,
    ...(request.name !== undefined ? { name: request.name } : {}),
    visibility: request.visibility ?? 'public',
    encrypted: request.encrypted ?? false,
    createdBy: caller.userId,
  });
  await reply({ type: 'room', room, role: 'owner' });
};

export const getRoom: ActionHandler<GetRoomRequest> = async (deps, caller, request, reply) => {
  const { roomId } = request;
  const [room, member] = await Promise.all([
    deps.rooms.getRoom(roomId),
    deps.rooms.getMember(roomId, caller.userId),
  ]);
  if (!room) throw new ChatError('not_found', `Room ${roomId} does not exist`);
  if (!maySeeRoom(room, member)) {
    throw new ChatError('forbidden', `Room ${roomId} is private to its members`);
  }
  const role = member && !member.banned ? member.role : undefined;
  const frame = await fittedPage(
    request.limit ?? PAGE_DEFAULT_LIMIT,
    (limit) => deps.rooms.listMembers(roomId, { cursor: request.cursor, limit }),
    (page) => page.members,
    (page): RoomFrame => ({
      type: 'room',
      room,
      ...(role ? { role } : {}),
      members: page.members,
      ...(page.cursor !== undefined ? { membersCursor: page.cursor } : {}),
    }),
  );
  await reply(frame);
};

export const listRooms: ActionHandler<ListRoomsRequest> = async (deps, caller, request, reply) => {
  const frame = await fittedPage(
    request.limit ?? PAGE_DEFAULT_LIMIT,
    async (limit) => {
      const page = await deps.rooms.listRooms(caller.userId, { cursor: request.cursor, limit });
      // Each room's last message as any message is served: with fresh links to its files.
      const rooms = await Promise.all(
        page.rooms.map(async (room) =>
          room.lastMessage
            ? { ...room, lastMessage: await linkMessage(deps, room.lastMessage) }
            : room,
        ),
      );
      return { ...page, rooms };
    },
    (page) => page.rooms,
    (page): RoomsFrame => ({
      type: 'rooms',
      rooms: page.rooms,
      ...(page.cursor !== undefined ? { cursor: page.cursor } : {}),
    }),
  );
  await reply(frame);
};

export const updateRoom: ActionHandler<UpdateRoomRequest> = async (
  deps,
  caller,
  request,
  reply,
) => {
  const { roomId, ...patch } = request;
  const room = await deps.rooms.updateRoom(roomId, caller.userId, patch);
  const member = await deps.rooms.getMember(roomId, caller.userId);
  await reply({ type: 'room', room, ...(member ? { role: member.role } : {}) });
};

export const openDm: ActionHandler<OpenDmRequest> = async (deps, caller, request, reply) => {
  const room = await deps.rooms.openDm(caller.userId, request.userId);
  await reply({ type: 'room', room, role: 'member' });
};
