/**
 * Routes `edit_message` and `delete_message`: one function for both, since they share
 * everything but the action (API Gateway picks the route by the frame's `action`).
 */
import { deleteMessage } from './core/actions/delete-message.js';
import { editMessage } from './core/actions/edit-message.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoutes } from './runtime/message-route.js';

export const makeMessageEditsHandler = messageRoutes({
  edit_message: editMessage,
  delete_message: deleteMessage,
});

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeMessageEditsHandler(lambdaWiring());
