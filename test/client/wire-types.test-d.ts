/**
 * The SDK copies the server's wire types on purpose (client/types.ts, client/errors.ts), so
 * the browser bundle needs none of the server's code. This file checks at compile time that
 * the copies and the originals (functions/core/frames.ts, server-frames.ts, errors.ts,
 * message.ts) agree both ways: a field added, dropped, renamed or retyped on either side
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
  Message as ClientMessage,
  ServerFrame as ClientServerFrame,
  PresenceStatus,
} from '../../client/types.js';
import type { ErrorCode } from '../../functions/core/errors.js';
import type { Action, RequestSchemas } from '../../functions/core/frames.js';
import type { Message } from '../../functions/core/message.js';
import type { ServerFrame } from '../../functions/core/server-frames.js';

/** What the SDK sends for one action, without the action itself (the route, not a field). */
type ClientRequest<A extends Action> = Omit<Extract<ClientFrame, { action: A }>, 'action'>;
/** What the server reads for one action, as its schema parses it. */
type ServerRequest<A extends Action> = z.infer<RequestSchemas[A]>;

type ClientServer<T extends ServerFrame['type']> = Extract<ClientServerFrame, { type: T }>;
type Server<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

// A message is the same shape on both sides.
expectTypeOf<ClientMessage>().branded.toEqualTypeOf<Message>();

// Request frames: the same actions; for each, the same fields of the same types, and
// nothing the SDK sends may be missing where the server requires it. (The SDK always sends
// a `clientMsgId`, which the server takes as optional: the one difference allowed.)
expectTypeOf<ClientFrame['action']>().branded.toEqualTypeOf<Action>();
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

// Server frames: the same types, and each the same fields with the same optionality.
expectTypeOf<ClientServerFrame['type']>().branded.toEqualTypeOf<ServerFrame['type']>();
expectTypeOf<ClientServer<'room_history'>>().branded.toEqualTypeOf<Server<'room_history'>>();
expectTypeOf<ClientServer<'left'>>().branded.toEqualTypeOf<Server<'left'>>();
expectTypeOf<ClientServer<'ack'>>().branded.toEqualTypeOf<Server<'ack'>>();
expectTypeOf<ClientServer<'new_message'>>().branded.toEqualTypeOf<Server<'new_message'>>();
expectTypeOf<ClientServer<'presence'>>().branded.toEqualTypeOf<Server<'presence'>>();
expectTypeOf<ClientServer<'presence_count'>>().branded.toEqualTypeOf<Server<'presence_count'>>();
expectTypeOf<PresenceStatus>().branded.toEqualTypeOf<Server<'presence'>['status']>();
// An error frame's code is a plain string to the SDK, so a code it does not know yet
// still arrives; the codes it knows are exactly the server's.
expectTypeOf<Omit<ClientServer<'error'>, 'code'>>().branded.toEqualTypeOf<
  Omit<Server<'error'>, 'code'>
>();
expectTypeOf<ClientServer<'error'>['code']>().branded.toEqualTypeOf<string>();
expectTypeOf<ServerErrorCode>().branded.toEqualTypeOf<ErrorCode>();
