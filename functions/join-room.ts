/** Route `join_room`. */
import { joinRoom } from './core/actions/join-room.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoute } from './runtime/message-route.js';

export const makeJoinRoomHandler = messageRoute('join_room', joinRoom);

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeJoinRoomHandler(lambdaWiring());
