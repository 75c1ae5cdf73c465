/**
 * Routes `mark_read`: the read cursor, its `read_state` to the user's devices and the
 * room's `read` receipts (protocol v2, "Read state"). A function of its own: marks are
 * frequent and small, and their bundle stays apart from the room actions'.
 */
import { markRead } from './core/actions/mark-read.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoutes } from './runtime/message-route.js';

export const makeReadStateHandler = messageRoutes(
  { mark_read: markRead },
  // The action awaits the rate limiter with its first cache read (one Redis round trip).
  { mark_read: { awaitsAdmission: true } },
);

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makeReadStateHandler(lambdaWiring());
