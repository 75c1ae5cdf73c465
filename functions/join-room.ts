/** Route `join_room`. */
import { joinRoom } from './core/actions/join-room.js';
import { messageRoute } from './runtime/message-route.js';

export const handler = messageRoute('join_room', joinRoom);
