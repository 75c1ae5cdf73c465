/** Route `get_history`. */
import { getHistory } from './core/actions/get-history.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoute } from './runtime/message-route.js';

export const makeGetHistoryHandler = messageRoute('get_history', getHistory);

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeGetHistoryHandler(lambdaWiring());
