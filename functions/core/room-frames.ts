/**
 * Client frames of protocol v2's "Rooms and membership": their schemas. frames.ts adds
 * them to the one table of actions; its `validateRequest` turns a failure into
 * `bad_request`.
 */
import * as z from 'zod/mini';
import { chars, limit, roomId, storable } from './frame-fields.js';
import { USER_ID_MAX_CHARS } from './limits.js';

/** Longest room name, in characters; the schema's trigger holds PostgreSQL to it too. */
export const ROOM_NAME_MAX_CHARS = 100;
/** Longest ban reason, in characters. */
export const BAN_REASON_MAX_CHARS = 500;
/** Longest ban or mute: a year. Longer is "until lifted" (leave `durationSec` out). */
export const MODERATION_MAX_SECONDS = 365 * 24 * 3600;
/** Longest slow mode: six hours, Discord's limit. */
export const SLOW_MODE_MAX_SECONDS = 6 * 3600;
/** Longest retention, in days: ten years. */
export const RETENTION_MAX_DAYS = 3650;
/** A page of rooms or members: the default and the most a request may ask for. */
export const PAGE_DEFAULT_LIMIT = 50;

const userId = z
  .string({ error: 'userId must be a string' })
  .check(z.minLength(1, 'must not be empty'), chars(USER_ID_MAX_CHARS), storable);
const name = z
  .string({ error: 'name must be a string' })
  .check(z.minLength(1, 'must not be empty'), chars(ROOM_NAME_MAX_CHARS), storable);
const visibility = z.enum(['public', 'private'], { error: 'must be public or private' });
const seconds = (max: number) =>
  z
    .number({ error: 'must be a number' })
    .check(z.int('must be an integer'), z.minimum(0), z.maximum(max, `must be at most ${max}`));
const duration = z
  .number({ error: 'must be a number' })
  .check(
    z.int('must be an integer'),
    z.minimum(1, 'must be at least 1'),
    z.maximum(MODERATION_MAX_SECONDS, `must be at most ${MODERATION_MAX_SECONDS}`),
  );
/** Cursors are opaque to clients; the stores make and read them. */
const cursor = z
  .string({ error: 'cursor must be a string' })
  .check(z.maxLength(512, 'cursor is not one this server gave'));

export const createRoomSchema = z.object({
  roomId,
  name: z.optional(name),
  visibility: z.optional(visibility),
  encrypted: z.optional(z.boolean({ error: 'must be true or false' })),
});
export const getRoomSchema = z.object({
  roomId,
  cursor: z.optional(cursor),
  limit: z.optional(limit),
});
export const listRoomsSchema = z.object({ cursor: z.optional(cursor), limit: z.optional(limit) });
export const updateRoomSchema = z.object({
  roomId,
  name: z.optional(name),
  visibility: z.optional(visibility),
  slowModeSec: z.optional(seconds(SLOW_MODE_MAX_SECONDS)),
  // Fixed at creation: the send path remembers it for the room's life
  // (core/encrypted-rooms.ts), and turning it off would expose nothing already stored
  // while turning it on would leave plaintext history behind. Refused rather than ignored.
  encrypted: z.optional(z.never({ error: 'is set when the room is created and never changes' })),
  /** null keeps messages for ever. */
  retentionDays: z.optional(
    z.nullable(
      z
        .number({ error: 'must be a number or null' })
        .check(z.int('must be an integer'), z.minimum(1), z.maximum(RETENTION_MAX_DAYS)),
    ),
  ),
});
export const addMemberSchema = z.object({
  roomId,
  userId,
  role: z.optional(z.enum(['admin', 'member'], { error: 'must be admin or member' })),
});
export const memberTargetSchema = z.object({ roomId, userId });
export const setRoleSchema = z.object({
  roomId,
  userId,
  role: z.enum(['owner', 'admin', 'member'], { error: 'must be owner, admin or member' }),
});
export const banSchema = z.object({
  roomId,
  userId,
  reason: z.optional(
    z.string({ error: 'reason must be a string' }).check(chars(BAN_REASON_MAX_CHARS), storable),
  ),
  durationSec: z.optional(duration),
});
export const muteSchema = z.object({ roomId, userId, durationSec: z.optional(duration) });
export const openDmSchema = z.object({ userId });

export type CreateRoomRequest = z.infer<typeof createRoomSchema>;
export type GetRoomRequest = z.infer<typeof getRoomSchema>;
export type ListRoomsRequest = z.infer<typeof listRoomsSchema>;
export type UpdateRoomRequest = z.infer<typeof updateRoomSchema>;
export type AddMemberRequest = z.infer<typeof addMemberSchema>;
export type MemberTargetRequest = z.infer<typeof memberTargetSchema>;
export type SetRoleRequest = z.infer<typeof setRoleSchema>;
export type BanRequest = z.infer<typeof banSchema>;
export type MuteRequest = z.infer<typeof muteSchema>;
export type OpenDmRequest = z.infer<typeof openDmSchema>;

export const ROOM_SCHEMAS = {
  create_room: createRoomSchema,
  get_room: getRoomSchema,
  list_rooms: listRoomsSchema,
  update_room: updateRoomSchema,
  add_member: addMemberSchema,
  remove_member: memberTargetSchema,
  set_role: setRoleSchema,
  ban: banSchema,
  unban: memberTargetSchema,
  mute: muteSchema,
  unmute: memberTargetSchema,
  open_dm: openDmSchema,
} as const;
