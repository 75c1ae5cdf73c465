/**
 * The SDK copies the server's wire types on purpose (client/types.ts, client/errors.ts), so
 * the browser bundle needs none of the server's code. This file checks at compile time that
 * the copies and the originals (functions/core/frames.ts, server-frames.ts, errors.ts,
 * message.ts, room.ts) agree both ways: a field added, dropped, renamed or retyped on either side
 * fails `npm run typecheck` (tsconfig/node.json includes test/), which CI runs. The error
 * codes are no copy (both sides take them from protocol/error-codes.ts); the last line
 * holds the two re-exports to that one table.
 * Nothing here runs: Vitest's runtime include (`*.test.ts`) leaves `*.test-d.ts` out.
 * `.branded` compares the types' properties deeply, so an SDK type written as an
 * intersection (`{ type: 'presence' } & PresenceEvent`) equals the server's flat interface.
 */
import { expectTypeOf } from 'vitest';
import type * as z from 'zod/mini';
import type { ServerErrorCode } from '../../client/errors.js';
import type {
  ClientFrame,
  Member as ClientMember,
  Message as ClientMessage,
  Role as ClientRole,
  Room as ClientRoom,
  RoomSummary as ClientRoomSummary,
  ServerFrame as ClientServerFrame,
  PresenceStatus,
} from '../../client/types.js';
import type { ErrorCode } from '../../functions/core/errors.js';
import type { FILE_SCHEMAS } from '../../functions/core/file-frames.js';
import type { Action, RequestSchemas } from '../../functions/core/frames.js';
import type {
  GetPresenceRequest,
  GetThreadRequest,
  MarkReadRequest,
  PingRequest,
  PRESENCE_SCHEMAS,
  REACTION_SCHEMAS,
  READ_SCHEMAS,
  ReactRequest,
  SetStatusRequest,
  TypingRequest,
} from '../../functions/core/live-frames.js';
import type { Message } from '../../functions/core/message.js';
import type { Member, Role, Room, RoomSummary } from '../../functions/core/room.js';
import type { SEARCH_SCHEMAS } from '../../functions/core/search-frames.js';
import type { ServerFrame } from '../../functions/core/server-frames.js';

// The live groups (live-frames.ts) join `Action` as their routes are built; naming them
// here as well keeps the action lists' check true before and after.
type LiveAction =
  | keyof typeof READ_SCHEMAS
  | keyof typeof PRESENCE_SCHEMAS
  | keyof typeof REACTION_SCHEMAS
  | keyof typeof SEARCH_SCHEMAS
  | keyof typeof FILE_SCHEMAS;
/** What the SDK sends for one action, without the action itself (the route, not a field). */
type ClientRequest<A extends Action | LiveAction> = Omit<
  Extract<ClientFrame, { action: A }>,
  'action'
>;
/** What the server reads for one action, as its schema parses it. */
type ServerRequest<A extends Action> = z.infer<RequestSchemas[A]>;

type ClientServer<T extends ServerFrame['type']> = Extract<ClientServerFrame, { type: T }>;
type Server<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

// A message, a room and a member are the same shape on both sides.
expectTypeOf<ClientMessage>().branded.toEqualTypeOf<Message>();
expectTypeOf<ClientRoom>().branded.toEqualTypeOf<Room>();
expectTypeOf<ClientMember>().branded.toEqualTypeOf<Member>();
expectTypeOf<ClientRoomSummary>().branded.toEqualTypeOf<RoomSummary>();
expectTypeOf<ClientRole>().branded.toEqualTypeOf<Role>();

// Request frames: the same actions; for each, the same fields of the same types, and
// nothing the SDK sends may be missing where the server requires it. (The SDK always sends
// a `clientMsgId`, which the server takes as optional: the one difference allowed.)
expectTypeOf<ClientFrame['action']>().branded.toEqualTypeOf<Action | LiveAction>();
expectTypeOf<Required<ClientRequest<'join_room'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'join_room'>>
>();
expectTypeOf<ClientRequest<'join_room'>>().toExtend<ServerRequest<'join_room'>>();
expectTypeOf<Required<ClientRequest<'leave_room'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'leave_room'>>
>();
expectTypeOf<ClientRequest<'leave_room'>>().toExtend<ServerRequest<'leave_room'>>();
expectTypeOf<Required<ClientRequest<'send_message'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'send_message'>>
>();
expectTypeOf<ClientRequest<'send_message'>>().toExtend<ServerRequest<'send_message'>>();
expectTypeOf<Required<ClientRequest<'get_history'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'get_history'>>
>();
expectTypeOf<ClientRequest<'get_history'>>().toExtend<ServerRequest<'get_history'>>();
// Protocol v2: files.
expectTypeOf<Required<ClientRequest<'request_upload'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'request_upload'>>
>();
expectTypeOf<ClientRequest<'request_upload'>>().toExtend<ServerRequest<'request_upload'>>();
// Protocol v2: edits, deletes, rooms, membership and moderation.
expectTypeOf<Required<ClientRequest<'edit_message'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'edit_message'>>
>();
expectTypeOf<ClientRequest<'edit_message'>>().toExtend<ServerRequest<'edit_message'>>();
expectTypeOf<Required<ClientRequest<'delete_message'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'delete_message'>>
>();
expectTypeOf<ClientRequest<'delete_message'>>().toExtend<ServerRequest<'delete_message'>>();
// Protocol v2: read state.
expectTypeOf<Required<ClientRequest<'mark_read'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'mark_read'>>
>();
expectTypeOf<ClientRequest<'mark_read'>>().toExtend<ServerRequest<'mark_read'>>();
expectTypeOf<Required<ClientRequest<'react'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'react'>>
>();
expectTypeOf<ClientRequest<'react'>>().toExtend<ServerRequest<'react'>>();
expectTypeOf<Required<ClientRequest<'get_thread'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'get_thread'>>
>();
expectTypeOf<ClientRequest<'get_thread'>>().toExtend<ServerRequest<'get_thread'>>();
// Protocol v2: search.
expectTypeOf<Required<ClientRequest<'search_messages'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'search_messages'>>
>();
expectTypeOf<ClientRequest<'search_messages'>>().toExtend<ServerRequest<'search_messages'>>();
expectTypeOf<Required<ClientRequest<'create_room'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'create_room'>>
>();
expectTypeOf<ClientRequest<'create_room'>>().toExtend<ServerRequest<'create_room'>>();
expectTypeOf<Required<ClientRequest<'get_room'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'get_room'>>
>();
expectTypeOf<ClientRequest<'get_room'>>().toExtend<ServerRequest<'get_room'>>();
expectTypeOf<Required<ClientRequest<'list_rooms'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'list_rooms'>>
>();
expectTypeOf<ClientRequest<'list_rooms'>>().toExtend<ServerRequest<'list_rooms'>>();
expectTypeOf<Required<ClientRequest<'update_room'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'update_room'>>
>();
expectTypeOf<ClientRequest<'update_room'>>().toExtend<ServerRequest<'update_room'>>();
expectTypeOf<Required<ClientRequest<'add_member'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'add_member'>>
>();
expectTypeOf<ClientRequest<'add_member'>>().toExtend<ServerRequest<'add_member'>>();
expectTypeOf<Required<ClientRequest<'remove_member'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'remove_member'>>
>();
expectTypeOf<ClientRequest<'remove_member'>>().toExtend<ServerRequest<'remove_member'>>();
expectTypeOf<Required<ClientRequest<'set_role'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'set_role'>>
>();
expectTypeOf<ClientRequest<'set_role'>>().toExtend<ServerRequest<'set_role'>>();
expectTypeOf<Required<ClientRequest<'ban'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'ban'>>
>();
expectTypeOf<ClientRequest<'ban'>>().toExtend<ServerRequest<'ban'>>();
expectTypeOf<Required<ClientRequest<'unban'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'unban'>>
>();
expectTypeOf<ClientRequest<'unban'>>().toExtend<ServerRequest<'unban'>>();
expectTypeOf<Required<ClientRequest<'mute'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'mute'>>
>();
expectTypeOf<ClientRequest<'mute'>>().toExtend<ServerRequest<'mute'>>();
expectTypeOf<Required<ClientRequest<'unmute'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'unmute'>>
>();
expectTypeOf<ClientRequest<'unmute'>>().toExtend<ServerRequest<'unmute'>>();
expectTypeOf<Required<ClientRequest<'open_dm'>>>().branded.toEqualTypeOf<
  Required<ServerRequest<'open_dm'>>
>();
expectTypeOf<ClientRequest<'open_dm'>>().toExtend<ServerRequest<'open_dm'>>();
// Protocol v2: read state, typing, presence, reactions and threads.
expectTypeOf<Required<ClientRequest<'mark_read'>>>().branded.toEqualTypeOf<
  Required<MarkReadRequest>
>();
expectTypeOf<ClientRequest<'mark_read'>>().toExtend<MarkReadRequest>();
expectTypeOf<Required<ClientRequest<'typing'>>>().branded.toEqualTypeOf<Required<TypingRequest>>();
expectTypeOf<ClientRequest<'typing'>>().toExtend<TypingRequest>();
expectTypeOf<Required<ClientRequest<'set_status'>>>().branded.toEqualTypeOf<
  Required<SetStatusRequest>
>();
expectTypeOf<ClientRequest<'set_status'>>().toExtend<SetStatusRequest>();
expectTypeOf<Required<ClientRequest<'get_presence'>>>().branded.toEqualTypeOf<
  Required<GetPresenceRequest>
>();
expectTypeOf<ClientRequest<'get_presence'>>().toExtend<GetPresenceRequest>();
expectTypeOf<ClientRequest<'ping'>>().toExtend<PingRequest>();
expectTypeOf<keyof ClientRequest<'ping'>>().toEqualTypeOf<never>();
expectTypeOf<Required<ClientRequest<'react'>>>().branded.toEqualTypeOf<Required<ReactRequest>>();
expectTypeOf<ClientRequest<'react'>>().toExtend<ReactRequest>();
expectTypeOf<Required<ClientRequest<'get_thread'>>>().branded.toEqualTypeOf<
  Required<GetThreadRequest>
>();
expectTypeOf<ClientRequest<'get_thread'>>().toExtend<GetThreadRequest>();

// Server frames: the same types, and each the same fields with the same optionality.
expectTypeOf<ClientServerFrame['type']>().branded.toEqualTypeOf<ServerFrame['type']>();
expectTypeOf<ClientServer<'room_history'>>().branded.toEqualTypeOf<Server<'room_history'>>();
expectTypeOf<ClientServer<'left'>>().branded.toEqualTypeOf<Server<'left'>>();
expectTypeOf<ClientServer<'ack'>>().branded.toEqualTypeOf<Server<'ack'>>();
expectTypeOf<ClientServer<'new_message'>>().branded.toEqualTypeOf<Server<'new_message'>>();
expectTypeOf<ClientServer<'presence'>>().branded.toEqualTypeOf<Server<'presence'>>();
expectTypeOf<ClientServer<'presence_count'>>().branded.toEqualTypeOf<Server<'presence_count'>>();
expectTypeOf<ClientServer<'room'>>().branded.toEqualTypeOf<Server<'room'>>();
expectTypeOf<ClientServer<'rooms'>>().branded.toEqualTypeOf<Server<'rooms'>>();
expectTypeOf<ClientServer<'member'>>().branded.toEqualTypeOf<Server<'member'>>();
expectTypeOf<ClientServer<'member_update'>>().branded.toEqualTypeOf<Server<'member_update'>>();
expectTypeOf<ClientServer<'removed'>>().branded.toEqualTypeOf<Server<'removed'>>();
expectTypeOf<ClientServer<'message_updated'>>().branded.toEqualTypeOf<Server<'message_updated'>>();
expectTypeOf<ClientServer<'message_deleted'>>().branded.toEqualTypeOf<Server<'message_deleted'>>();
expectTypeOf<ClientServer<'read_state'>>().branded.toEqualTypeOf<Server<'read_state'>>();
expectTypeOf<ClientServer<'read'>>().branded.toEqualTypeOf<Server<'read'>>();
expectTypeOf<ClientServer<'typing'>>().branded.toEqualTypeOf<Server<'typing'>>();
expectTypeOf<ClientServer<'reaction'>>().branded.toEqualTypeOf<Server<'reaction'>>();
expectTypeOf<ClientServer<'status'>>().branded.toEqualTypeOf<Server<'status'>>();
expectTypeOf<ClientServer<'presence_list'>>().branded.toEqualTypeOf<Server<'presence_list'>>();
expectTypeOf<ClientServer<'pong'>>().branded.toEqualTypeOf<Server<'pong'>>();
expectTypeOf<ClientServer<'search_results'>>().branded.toEqualTypeOf<Server<'search_results'>>();
expectTypeOf<PresenceStatus>().branded.toEqualTypeOf<Server<'presence'>['status']>();
// An error frame's code is a plain string to the SDK, so a code it does not know yet
// still arrives; the codes it knows are exactly the server's.
expectTypeOf<Omit<ClientServer<'error'>, 'code'>>().branded.toEqualTypeOf<
  Omit<Server<'error'>, 'code'>
>();
expectTypeOf<ClientServer<'error'>['code']>().branded.toEqualTypeOf<string>();
expectTypeOf<ServerErrorCode>().branded.toEqualTypeOf<ErrorCode>();
