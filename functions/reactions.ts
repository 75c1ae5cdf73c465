/** Route `react`: a reaction added or taken back (protocol v2, "Messages"). */
import { react } from './core/actions/react.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoutes } from './runtime/message-route.js';

export const makeReactionsHandler = messageRoutes({ react });

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeReactionsHandler(lambdaWiring());
