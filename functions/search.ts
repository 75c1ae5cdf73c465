/** Route `search_messages`: full-text search of the rooms the caller may read (protocol v2). */
import { searchMessages } from './core/actions/search-messages.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoutes } from './runtime/message-route.js';

export const makeSearchHandler = messageRoutes({ search_messages: searchMessages });

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeSearchHandler(lambdaWiring());
