/** Route `leave_room`. */
import { leaveRoom } from './core/actions/leave-room.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoute } from './runtime/message-route.js';

export const makeLeaveRoomHandler = messageRoute('leave_room', leaveRoom);

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeLeaveRoomHandler(lambdaWiring());
