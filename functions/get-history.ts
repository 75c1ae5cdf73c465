/**
 * Routes `get_history` and `get_thread`: one function for both, since a thread is a page
 * of the same history read by its replies (API Gateway picks the route by the `action`).
 */
import { getHistory } from './core/actions/get-history.js';
import { getThread } from './core/actions/get-thread.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoutes } from './runtime/message-route.js';

export const makeGetHistoryHandler = messageRoutes({
  get_history: getHistory,
  get_thread: getThread,
});

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeGetHistoryHandler(lambdaWiring());
