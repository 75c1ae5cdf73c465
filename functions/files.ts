/** Route `request_upload`: signs one upload to the room's files (protocol v2, "Files"). */
import { requestUpload } from './core/actions/request-upload.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoutes } from './runtime/message-route.js';

export const makeFilesHandler = messageRoutes({ request_upload: requestUpload });

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeFilesHandler(lambdaWiring());
