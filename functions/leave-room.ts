/** Route `leave_room`. */
import { leaveRoom } from './core/actions/leave-room.js';
import { messageRoute } from './runtime/message-route.js';

export const handler = messageRoute('leave_room', leaveRoom);
