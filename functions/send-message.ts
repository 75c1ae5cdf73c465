/** Route `send_message`: the hot path. */
import { sendMessage } from './core/actions/send-message.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoute } from './runtime/message-route.js';

export const makeSendMessageHandler = messageRoute('send_message', sendMessage);

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeSendMessageHandler(lambdaWiring());
