/** Route `send_message`: the hot path. */
import { sendMessage } from './core/actions/send-message.js';
import { messageRoute } from './runtime/message-route.js';

export const handler = messageRoute('send_message', sendMessage);
