/** Route `send_message`: the hot path. */
import { sendMessage } from './core/actions/send-message.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoute } from './runtime/message-route.js';

// The send awaits its rate limit beside its first cache read: one Redis round trip for both.
export const makeSendMessageHandler = messageRoute('send_message', sendMessage, {
  awaitsAdmission: true,
});

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeSendMessageHandler(lambdaWiring());
