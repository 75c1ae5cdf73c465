/** Route `get_history`. */
import { getHistory } from './core/actions/get-history.js';
import { messageRoute } from './runtime/message-route.js';

export const handler = messageRoute('get_history', getHistory);
